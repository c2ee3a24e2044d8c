package org.lorastudio.dataset;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers a dataset check shows under its problem list.
 *
 * @param imageCount            images found
 * @param trainingItemsPerEpoch images times their repeats
 * @param captionedCount        images with a non-blank caption
 * @param source                where the captions come from
 * @param resolutions           image sizes from the headers ({@code "512x512"} → count), most common first
 * @param topTags               the most frequent caption tags, at most {@link #TOP_TAGS}
 */
public record DatasetSummary(int imageCount, int trainingItemsPerEpoch, int captionedCount, CaptionSource source,
                             Map<String, Integer> resolutions, List<TagCount> topTags) {
    /** How many tags the summary lists. */
    public static final int TOP_TAGS = 20;

    public DatasetSummary {
        resolutions = Collections.unmodifiableMap(new LinkedHashMap<>(resolutions));
        topTags = List.copyOf(topTags);
    }

    /** Share of images with a non-blank caption, 0..1 (1 for an empty dataset: nothing is missing). */
    public double captionCoverage() {
        return imageCount == 0 ? 1.0 : (double) captionedCount / imageCount;
    }

    /** {@code "512x512: 20, 768x512: 4"}. */
    public String resolutionHistogram() {
        StringBuilder sb = new StringBuilder();
        resolutions.forEach((size, count) -> sb.append(sb.length() == 0 ? "" : ", ").append(size).append(": ")
                .append(count));
        return sb.toString();
    }
}
