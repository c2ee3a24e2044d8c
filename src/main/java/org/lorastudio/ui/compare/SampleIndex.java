package org.lorastudio.ui.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * The samples of one run, by step and prompt index, from file names {@code step<N>-p<k>.png} in its
 * {@code samples/} folder (also {@code .jpg}, {@code .webp}, and {@code .txt} for the generated answers of
 * language models, whose text is read here, in the background). Other files are ignored; a missing folder is an
 * empty index, so runs without samples compare fine.
 *
 * @param images (step, prompt) to file, sorted by step then prompt (text samples included)
 * @param texts  (step, prompt) to the text of a {@code .txt} sample
 */
public record SampleIndex(Map<Key, Path> images, Map<Key, String> texts) {
    private static final Pattern NAME = Pattern.compile("step0*(\\d+)[-_]p(\\d+)\\.(png|jpe?g|webp|txt)",
            Pattern.CASE_INSENSITIVE);
    /** Longer texts are cut for the grid. */
    private static final int MAX_TEXT = 4000;

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
        texts = Collections.unmodifiableMap(new TreeMap<>(texts));
    }

    public SampleIndex(Map<Key, Path> images) {
        this(images, Map.of());
    }

    /** Scans {@code samplesDir} (not recursively). */
    public static SampleIndex scan(Path samplesDir) {
        Map<Key, Path> out = new TreeMap<>();
        Map<Key, String> texts = new TreeMap<>();
        if (Files.isDirectory(samplesDir)) {
            try (Stream<Path> s = Files.list(samplesDir)) {
                s.forEach(p -> {
                    Matcher m = NAME.matcher(p.getFileName().toString());
                    if (m.matches() && Files.isRegularFile(p)) {
                        try {
                            Key k = new Key(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)));
                            if (m.group(3).equalsIgnoreCase("txt")) {
                                String t = Files.readString(p, StandardCharsets.UTF_8);
                                texts.put(k, t.length() > MAX_TEXT ? t.substring(0, MAX_TEXT) + "…" : t.strip());
                            }
                            out.put(k, p);
                        } catch (NumberFormatException e) {
                            // a step number beyond long: not one of ours
                        } catch (IOException e) {
                            // unreadable (or not UTF-8) text: shown as missing
                        }
                    }
                });
            } catch (IOException e) {
                return new SampleIndex(Map.of());
            }
        }
        out.keySet().removeIf(k -> out.get(k).toString().toLowerCase(java.util.Locale.ROOT).endsWith(".txt")
                && !texts.containsKey(k));
        return new SampleIndex(out, texts);
    }

    public Optional<Path> get(Key key) {
        return Optional.ofNullable(images.get(key));
    }

    /** The text of a language model's sample, when this one is a text. */
    public Optional<String> text(Key key) {
        return Optional.ofNullable(texts.get(key));
    }

    public boolean isEmpty() {
        return images.isEmpty();
    }
}
