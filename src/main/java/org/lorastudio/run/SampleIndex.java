package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * The sample images (or texts) of a run and the file convention the trainer writes them by, so that the notes, the
 * report and the studio's gallery can lay them out as a grid of prompt × step without guessing.
 *
 * <p>The convention, inside the run's {@code samples/} folder:
 * <ul>
 *   <li>{@code step<N>-p<k>.png} — the image for prompt {@code k} (0-based index into {@code sample_prompts})
 *       after optimizer step {@code N} (no zero padding; {@code step0-p0.png} is the base model before training).
 *       {@code .jpg}, {@code .webp} and, for language models, {@code .txt} are read too; an underscore instead of
 *       the dash ({@code step100_p0.png}) is accepted.</li>
 *   <li>{@code prompts.json} — {@code {"prompts": ["neon street at night", ...]}}, written once when sampling
 *       starts ({@link #writePrompts}), so the grid can show the prompt text; without it prompts are numbered.</li>
 * </ul>
 * Anything else in the folder is ignored here. The trainer names files with {@link #fileName} and writes the index
 * with {@link #writePrompts}.
 *
 * @param samplesDir the folder
 * @param prompts the prompt texts from {@code prompts.json}, empty when it is missing
 * @param samples every sample file that follows the convention, by step then prompt
 */
public record SampleIndex(Path samplesDir, List<String> prompts, List<Sample> samples) {
    /** The prompt index file inside {@code samples/}. */
    public static final String PROMPTS_FILE = "prompts.json";
    private static final Pattern NAME = Pattern.compile("step(\\d{1,9})[-_]p(\\d{1,4})\\.(png|jpe?g|webp|txt)",
            Pattern.CASE_INSENSITIVE);

    /**
     * One sample file.
     *
     * @param step optimizer step it was made after
     * @param prompt 0-based prompt index
     * @param file the file
     */
    public record Sample(long step, int prompt, Path file) {
        /** True for a generated text (language models) rather than an image. */
        public boolean isText() {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".txt");
        }
    }

    public SampleIndex {
        prompts = List.copyOf(prompts);
        samples = List.copyOf(samples);
    }

    /** The file name of the sample for {@code prompt} (0-based) at {@code step}, with extension {@code png}. */
    public static String fileName(long step, int prompt) {
        return fileName(step, prompt, "png");
    }

    /** The file name of a sample with another extension ({@code txt} for language models). */
    public static String fileName(long step, int prompt, String extension) {
        if (step < 0 || prompt < 0) {
            throw new IllegalArgumentException("step and prompt must be >= 0, found " + step + ", " + prompt);
        }
        return "step" + step + "-p" + prompt + "." + extension;
    }

    /** Writes {@code samples/prompts.json} atomically (the trainer calls this once, before the first sample). */
    public static void writePrompts(Path samplesDir, List<String> prompts) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode list = root.putArray("prompts");
        prompts.forEach(list::add);
        AtomicFiles.writeString(samplesDir.resolve(PROMPTS_FILE), Json.PRETTY.writeValueAsString(root) + "\n");
    }

    /**
     * Reads a samples folder; a missing folder has no samples. A broken {@code prompts.json} is a
     * {@link UserException} naming it.
     */
    public static SampleIndex read(Path samplesDir) {
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> s = Files.list(samplesDir)) {
            s.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    samples.add(new Sample(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), p));
                }
            });
        } catch (NoSuchFileException e) {
            return new SampleIndex(samplesDir, List.of(), List.of());
        } catch (IOException e) {
            throw new UserException("cannot list " + samplesDir + ": " + e.getMessage(), e);
        }
        samples.sort(Comparator.comparingLong(Sample::step).thenComparingInt(Sample::prompt)
                .thenComparing(x -> x.file().getFileName().toString()));
        return new SampleIndex(samplesDir, readPrompts(samplesDir.resolve(PROMPTS_FILE)), samples);
    }

    private static List<String> readPrompts(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            JsonNode list = root == null ? null : root.get("prompts");
            if (list == null || !list.isArray()) {
                throw new UserException(file + " has no \"prompts\" list; expected {\"prompts\": [\"...\"]}");
            }
            List<String> prompts = new ArrayList<>();
            list.forEach(n -> prompts.add(n.asText()));
            return prompts;
        } catch (JsonProcessingException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The distinct steps, ascending. */
    public List<Long> steps() {
        return List.copyOf(new TreeSet<>(samples.stream().map(Sample::step).toList()));
    }

    /** The distinct prompt indices, ascending. */
    public List<Integer> promptIndices() {
        return List.copyOf(new TreeSet<>(samples.stream().map(Sample::prompt).toList()));
    }

    /** The sample for a cell of the grid. */
    public Optional<Sample> at(long step, int prompt) {
        return samples.stream().filter(x -> x.step() == step && x.prompt() == prompt).findFirst();
    }

    /** The prompt text for an index, or {@code prompt k+1} when the index file does not name it. */
    public String promptText(int prompt) {
        return prompt < prompts.size() ? prompts.get(prompt) : "prompt " + (prompt + 1);
    }

    /**
     * At most {@code max} steps for a grid: evenly spread over the run, always with the first and the last, so a
     * run that sampled every 50 steps for 5000 steps still fits on a page.
     */
    public List<Long> gridSteps(int max) {
        List<Long> all = steps();
        if (all.size() <= max || max < 2) {
            return max < 1 ? List.of() : all.size() <= max ? all : List.of(all.get(all.size() - 1));
        }
        TreeSet<Long> picked = new TreeSet<>();
        for (int i = 0; i < max; i++) {
            picked.add(all.get((int) Math.round(i * (all.size() - 1) / (double) (max - 1))));
        }
        return List.copyOf(picked);
    }
}
