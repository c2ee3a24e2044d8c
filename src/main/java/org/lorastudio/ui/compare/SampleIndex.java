package org.lorastudio.ui.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sample images of one run, by step and prompt index, from file names {@code step<N>-p<k>.png} in its
 * {@code samples/} folder (also {@code .jpg}, {@code .webp}). Other files are ignored; a missing folder is an
 * empty index, so runs without samples compare fine.
 *
 * @param images (step, prompt) to file, sorted by step then prompt
 */
public record SampleIndex(Map<Key, Path> images) {
    private static final Pattern NAME = Pattern.compile("step0*(\\d+)[-_]p(\\d+)\\.(png|jpe?g|webp)",
            Pattern.CASE_INSENSITIVE);

    /**
     * One grid position.
     *
     * @param step optimizer step
     * @param prompt prompt index (0-based, as in {@code sample_prompts})
     */
    public record Key(long step, int prompt) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(step, o.step);
            return c != 0 ? c : Integer.compare(prompt, o.prompt);
        }
    }

    public SampleIndex {
        images = Collections.unmodifiableMap(new TreeMap<>(images));
    }

    /** Scans {@code samplesDir} (not recursively). */
    public static SampleIndex scan(Path samplesDir) {
        Map<Key, Path> out = new TreeMap<>();
        if (Files.isDirectory(samplesDir)) {
            try (Stream<Path> s = Files.list(samplesDir)) {
                s.forEach(p -> {
                    Matcher m = NAME.matcher(p.getFileName().toString());
                    if (m.matches() && Files.isRegularFile(p)) {
                        try {
                            out.put(new Key(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2))), p);
                        } catch (NumberFormatException e) {
                            // a step number beyond long: not one of ours
                        }
                    }
                });
            } catch (IOException e) {
                return new SampleIndex(Map.of());
            }
        }
        return new SampleIndex(out);
    }

    public Optional<Path> get(Key key) {
        return Optional.ofNullable(images.get(key));
    }

    public boolean isEmpty() {
        return images.isEmpty();
    }
}
