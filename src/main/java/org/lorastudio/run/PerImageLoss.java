package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Each training image's running mean loss over the run (issue 16), kept by the trainer and written to the run
 * folder's {@code per_image_loss.json} at checkpoints and at the end. Images the model keeps getting wrong rank
 * first: often a bad caption, a duplicate, or an image unlike the rest.
 *
 * <p>The file: {@code {"format": 1, "step": N, "images": [{"image", "mean_loss", "count", "last_loss",
 * "last_step"}, ...]}}, highest mean loss first; {@code step} is the optimizer step the numbers include, so a
 * resumed run only takes the file over when it matches its checkpoint.
 */
public final class PerImageLoss {
    public static final String FILE_NAME = "per_image_loss.json";
    private static final int FORMAT = 1;

    /**
     * One image's numbers.
     *
     * @param image the image's name in the data set (its path relative to the data folder)
     * @param meanLoss mean of the losses it had in the micro-batches it was part of
     * @param count how many losses the mean is over
     * @param lastLoss its most recent loss
     * @param lastStep the optimizer step of {@code lastLoss}
     */
    public record Entry(String image, double meanLoss, long count, double lastLoss, long lastStep) {
    }

    /** What the file holds: the step the numbers include and the images, highest mean loss first. */
    public record Snapshot(long step, List<Entry> images) {
        public Snapshot {
            images = List.copyOf(images);
        }

        /** Mean loss by image name. */
        public Map<String, Double> meanByImage() {
            Map<String, Double> m = new LinkedHashMap<>();
            images.forEach(e -> m.put(e.image(), e.meanLoss()));
            return m;
        }
    }

    private static final class Stats {
        double sum;
        long count;
        double last;
        long lastStep;
    }

    private final Map<String, Stats> byImage = new LinkedHashMap<>();

    /** Adds one loss of {@code image} at optimizer step {@code step}. */
    public void add(String image, double loss, long step) {
        if (!Double.isFinite(loss)) {
            return; // the trainer fails the run on a non-finite loss; never let one poison the mean
        }
        Stats s = byImage.computeIfAbsent(image, k -> new Stats());
        s.sum += loss;
        s.count++;
        s.last = loss;
        s.lastStep = step;
    }

    /** Continues from a snapshot (a resumed run). */
    public static PerImageLoss of(Snapshot snapshot) {
        PerImageLoss p = new PerImageLoss();
        for (Entry e : snapshot.images()) {
            Stats s = new Stats();
            s.sum = e.meanLoss() * e.count();
            s.count = e.count();
            s.last = e.lastLoss();
            s.lastStep = e.lastStep();
            p.byImage.put(e.image(), s);
        }
        return p;
    }

    /** Every image seen so far, highest mean loss first (ties by name). */
    public List<Entry> ranked() {
        List<Entry> out = new ArrayList<>();
        byImage.forEach((k, s) -> out.add(new Entry(k, s.sum / s.count, s.count, s.last, s.lastStep)));
        out.sort(Comparator.comparingDouble(Entry::meanLoss).reversed().thenComparing(Entry::image));
        return out;
    }

    /** Writes {@code runDir/per_image_loss.json} atomically. */
    public void write(Path runDir, long step) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("step", step);
        ArrayNode images = root.putArray("images");
        for (Entry e : ranked()) {
            ObjectNode o = images.addObject();
            o.put("image", e.image());
            o.put("mean_loss", e.meanLoss());
            o.put("count", e.count());
            o.put("last_loss", e.lastLoss());
            o.put("last_step", e.lastStep());
        }
        AtomicFiles.writeString(runDir.resolve(FILE_NAME), Json.PRETTY.writeValueAsString(root) + "\n");
    }

    /**
     * Reads a run's {@code per_image_loss.json}; empty when the run has none (older runs, or no step yet).
     *
     * @throws UserException naming the file when it is not a per-image loss file
     */
    public static Optional<Snapshot> read(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            JsonNode images = root == null ? null : root.get("images");
            if (images == null || !images.isArray() || !root.path("step").canConvertToLong()) {
                throw new UserException(file + " is not a per-image loss file (expected \"step\" and an \"images\""
                        + " list); delete it, the next checkpoint writes it again");
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode n : images) {
                if (!n.path("image").isTextual() || !n.path("mean_loss").isNumber()) {
                    throw new UserException(file + ": an entry without \"image\" or numeric \"mean_loss\": " + n);
                }
                entries.add(new Entry(n.get("image").asText(), n.get("mean_loss").asDouble(),
                        n.path("count").asLong(1), n.path("last_loss").asDouble(n.get("mean_loss").asDouble()),
                        n.path("last_step").asLong()));
            }
            entries.sort(Comparator.comparingDouble(Entry::meanLoss).reversed().thenComparing(Entry::image));
            return Optional.of(new Snapshot(root.get("step").asLong(), entries));
        } catch (JsonProcessingException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
