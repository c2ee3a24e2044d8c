package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * What a run trained on, item by item ({@value #FILE_NAME} in the run folder, written before step 1): each image's
 * name, repeats and SHA-256, and its caption text as read at the start. The fingerprint in {@code run.json} says
 * whether the data set is still the same; this says what changed, and it is what a resumed run trains on, so a
 * caption edited while the run trains (or while it is paused) never changes the run.
 *
 * @param items the items in data set order
 */
@JsonPropertyOrder({"items"})
public record DatasetSnapshot(@JsonProperty("items") List<Item> items) {
    public static final String FILE_NAME = "dataset.json";

    public DatasetSnapshot {
        items = List.copyOf(items);
    }

    /**
     * One image.
     *
     * @param name its path inside the data set folder
     * @param repeats kohya repeats
     * @param imageSha256 SHA-256 of the image file's bytes
     * @param caption the caption text; {@code null} when the image had none
     */
    @JsonPropertyOrder({"name", "repeats", "image_sha256", "caption"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Item(@JsonProperty("name") String name, @JsonProperty("repeats") int repeats,
                       @JsonProperty("image_sha256") String imageSha256, @JsonProperty("caption") String caption) {
    }

    /**
     * How a data set differs from a snapshot.
     *
     * @param captionsChanged images present in both whose caption differs
     * @param imagesChanged images present in both whose bytes or repeats differ
     * @param added images only in the newer one
     * @param removed images only in the snapshot
     */
    public record Drift(int captionsChanged, int imagesChanged, int added, int removed) {
        public boolean none() {
            return captionsChanged == 0 && imagesChanged == 0 && added == 0 && removed == 0;
        }

        /** Whether the images (not only captions) differ: then the run cannot be repeated on this data. */
        public boolean imagesDiffer() {
            return imagesChanged > 0 || added > 0 || removed > 0;
        }

        /** {@code 3 captions differ, 1 image added}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            count(parts, captionsChanged, "caption differs", "captions differ");
            count(parts, imagesChanged, "image differs", "images differ");
            count(parts, added, "image added", "images added");
            count(parts, removed, "image removed", "images removed");
            return parts.isEmpty() ? "no differences" : String.join(", ", parts);
        }

        private static void count(List<String> parts, int n, String one, String many) {
            if (n > 0) {
                parts.add(n + " " + (n == 1 ? one : many));
            }
        }
    }

    /** Compares {@code now} with this snapshot, item by name. */
    public Drift compare(DatasetSnapshot now) {
        Map<String, Item> before = byName();
        Map<String, Item> after = now.byName();
        int captions = 0;
        int images = 0;
        int added = 0;
        for (Item n : after.values()) {
            Item b = before.get(n.name());
            if (b == null) {
                added++;
                continue;
            }
            if (!b.imageSha256().equals(n.imageSha256()) || b.repeats() != n.repeats()) {
                images++;
            }
            if (!java.util.Objects.equals(b.caption(), n.caption())) {
                captions++;
            }
        }
        int removed = (int) before.keySet().stream().filter(k -> !after.containsKey(k)).count();
        return new Drift(captions, images, added, removed);
    }

    /** The caption of each image by name ({@code null}: none), to train on after a resume. */
    public Map<String, Item> byName() {
        Map<String, Item> m = new LinkedHashMap<>();
        items.forEach(i -> m.put(i.name(), i));
        return m;
    }

    /** Writes the snapshot atomically. */
    public void write(Path file) throws IOException {
        FileErrors.writing(file, () -> AtomicFiles.writeString(file, Json.PRETTY.writeValueAsString(this) + "\n"));
    }

    /** The snapshot in {@code file}; empty when the run has none (runs made before snapshots existed). */
    public static Optional<DatasetSnapshot> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.readValue(TextFiles.readUtf8(file), DatasetSnapshot.class));
        } catch (JacksonException e) {
            throw new UserException(file + " is damaged (" + e.getOriginalMessage() + "); delete it to resume on"
                    + " the data set as it is now");
        }
    }
}
