package org.lorastudio.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Captions as comma-separated tags ({@code "1girl, neon lights, rain"}), the form booru taggers and kohya's
 * {@code shuffle_caption}/{@code keep_tokens} work with. Pure functions on strings.
 */
public final class Tags {
    /** Orders a frequency table: most frequent first, ties by tag name so the order is stable. */
    public static final Comparator<TagCount> BY_COUNT_THEN_NAME = Comparator
            .comparingInt(TagCount::count).reversed()
            .thenComparing(TagCount::tag);

    private Tags() {
    }

    /** The tags of a caption: split on commas, trimmed, empty pieces dropped, in caption order. */
    public static List<String> split(String caption) {
        List<String> tags = new ArrayList<>();
        for (String piece : caption.split(",", -1)) {
            String tag = piece.strip();
            if (!tag.isEmpty()) {
                tags.add(tag);
            }
        }
        return tags;
    }

    /** Tags joined as {@code "a, b, c"}, the spacing taggers write. */
    public static String join(List<String> tags) {
        return String.join(", ", tags);
    }

    /**
     * The frequency table of the given captions, {@link #BY_COUNT_THEN_NAME}. A tag is counted once per caption,
     * so the count reads "in how many images".
     */
    public static List<TagCount> frequencies(Collection<String> captions) {
        Map<String, Integer> counts = new HashMap<>();
        for (String caption : captions) {
            for (String tag : new LinkedHashSet<>(split(caption))) {
                counts.merge(tag, 1, Integer::sum);
            }
        }
        List<TagCount> table = new ArrayList<>();
        counts.forEach((tag, count) -> table.add(new TagCount(tag, count)));
        table.sort(BY_COUNT_THEN_NAME);
        return List.copyOf(table);
    }

    /** The first {@code n} rows of {@link #frequencies}. */
    public static List<TagCount> top(Collection<String> captions, int n) {
        List<TagCount> all = frequencies(captions);
        return all.subList(0, Math.min(Math.max(n, 0), all.size()));
    }
}
