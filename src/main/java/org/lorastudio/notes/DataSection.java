package org.lorastudio.notes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.lorastudio.dataset.CaptionSource;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetFingerprint;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.ImageSize;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.Tags;

/**
 * The facts of a run's data set for the notes' Data section: where it is, how many images (and training items per
 * epoch with kohya repeats), the resolution range, the caption style with a sample, the most frequent tags and the
 * fingerprint that says months later whether another run saw the same data. Built from a scan (headers only; no
 * image is decoded), rendered as Markdown.
 *
 * @param location the data set folder as shown (as written in the config, or relative to the workspace)
 * @param source where the captions come from
 * @param images image count
 * @param itemsPerEpoch images times repeats
 * @param captioned images with a non-blank caption
 * @param sizes image sizes, most common first ({@code 512x512} → count)
 * @param smallest the smallest image by pixels, if any header was readable
 * @param largest the largest image by pixels
 * @param captionStyle "comma-separated tags", "sentences" or "short phrases"
 * @param captionSample a typical caption (of median length)
 * @param topTags the most frequent tags, at most {@link #TOP_TAGS}
 * @param fingerprint the data set fingerprint
 */
public record DataSection(String location, CaptionSource source, int images, int itemsPerEpoch, int captioned,
                          Map<String, Integer> sizes, Optional<ImageSize> smallest, Optional<ImageSize> largest,
                          String captionStyle, Optional<String> captionSample, List<TagCount> topTags,
                          DatasetFingerprint fingerprint) {
    /** Tags listed; enough to recognise the data, few enough to read. */
    public static final int TOP_TAGS = 10;
    private static final int MAX_SAMPLE_CHARS = 160;
    private static final int MAX_SIZES = 3;

    public DataSection {
        sizes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sizes));
        topTags = List.copyOf(topTags);
    }

    /** The facts of a scanned data set; {@code location} is how the folder is shown. */
    public static DataSection of(Dataset dataset, DatasetFingerprint fingerprint, String location) {
        Map<String, Integer> bySize = new TreeMap<>();
        List<ImageSize> all = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        int captioned = 0;
        for (DatasetItem item : dataset.items()) {
            item.size().ifPresent(s -> {
                bySize.merge(s.toString(), 1, Integer::sum);
                all.add(s);
            });
            if (item.caption().filter(c -> !c.isBlank()).isPresent()) {
                captioned++;
                captions.add(item.caption().get().strip());
            }
        }
        Map<String, Integer> common = new LinkedHashMap<>();
        bySize.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> common.put(e.getKey(), e.getValue()));
        Comparator<ImageSize> byPixels = Comparator.comparingLong(ImageSize::pixels)
                .thenComparingInt(ImageSize::width);
        return new DataSection(location, dataset.source(), dataset.items().size(), dataset.trainingItemsPerEpoch(),
                captioned, common, all.stream().min(byPixels), all.stream().max(byPixels), captionStyle(captions),
                typical(captions), Tags.top(captions, TOP_TAGS), fingerprint);
    }

    /**
     * How the captions are written, from their shape: kohya-style tag lists ({@code neon, rain, night}) train
     * differently from prose, and a change of style between runs is worth seeing in the notes.
     */
    static String captionStyle(List<String> captions) {
        if (captions.isEmpty()) {
            return "none";
        }
        int tagLike = 0;
        int sentences = 0;
        for (String c : captions) {
            List<String> parts = Tags.split(c);
            double wordsPerPart = parts.stream().mapToInt(p -> p.split("\\s+").length).average().orElse(0);
            if (parts.size() >= 3 && wordsPerPart <= 3.5) {
                tagLike++;
            } else if (c.split("\\s+").length >= 8 || c.endsWith(".")) {
                sentences++;
            }
        }
        if (tagLike * 2 > captions.size()) {
            return "comma-separated tags";
        }
        return sentences * 2 > captions.size() ? "sentences" : "short phrases";
    }

    /** The caption of median length: more typical than the first or the longest. */
    static Optional<String> typical(List<String> captions) {
        if (captions.isEmpty()) {
            return Optional.empty();
        }
        List<String> sorted = captions.stream()
                .sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).toList();
        String c = sorted.get(sorted.size() / 2).replaceAll("\\s+", " ");
        return Optional.of(c.length() <= MAX_SAMPLE_CHARS ? c : c.substring(0, MAX_SAMPLE_CHARS - 1) + "…");
    }

    /** The Markdown between the markers. */
    public String content() {
        List<String> lines = new ArrayList<>();
        lines.add("- **Data set:** `" + location + "` (captions from " + sourceText() + ")");
        lines.add("- **Images:** " + images + (itemsPerEpoch != images ? " (" + itemsPerEpoch
                + " training items per epoch with repeats)" : "") + ", " + captioned + " with a caption");
        lines.add("- **Resolution:** " + resolutionText());
        lines.add("- **Captions:** " + captionStyle + captionSample.map(s -> ", e.g. \"" + escape(s) + "\"")
                .orElse(""));
        // a tag seen once says nothing about the data set (and prose captions are one "tag" each)
        List<String> repeated = topTags.stream().filter(t -> t.count() >= 2)
                .map(t -> escape(t.tag()) + " (" + t.count() + ")").toList();
        if (!repeated.isEmpty()) {
            lines.add("- **Top tags:** " + String.join(", ", repeated));
        }
        lines.add("- **Fingerprint:** `sha256:" + fingerprint.sha256() + "` (" + fingerprint.itemCount() + " items)");
        return String.join("\n", lines) + "\n";
    }

    private String sourceText() {
        return switch (source) {
            case TXT_FILES -> ".txt files";
            case METADATA_CSV -> "metadata.csv";
            case METADATA_JSONL -> "metadata.jsonl";
        };
    }

    private String resolutionText() {
        if (smallest.isEmpty()) {
            return "unknown (no readable image header)";
        }
        String range = smallest.get().equals(largest.get()) ? "all " + smallest.get()
                : smallest.get() + " to " + largest.get();
        if (sizes.size() <= 1) {
            return range;
        }
        List<String> top = sizes.entrySet().stream().limit(MAX_SIZES)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        return range + "; most common " + String.join(", ", top);
    }

    /** Keeps caption text from turning into Markdown (emphasis, links, tables) in the notes. */
    private static String escape(String s) {
        return s.replaceAll("([\\\\`*_\\[\\]|<>])", "\\\\$1");
    }
}
