package org.lorastudio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Caption augmentation as kohya's {@code BaseDataset.process_caption} (SPEC §4 keys):
 * <ol>
 *   <li>{@code caption_dropout_rate}: with probability p the whole caption becomes "" (trains the unconditional
 *       embedding); nothing else is drawn then;</li>
 *   <li>otherwise, when shuffling or tag dropout is on, the caption is split on commas into trimmed tags; the first
 *       {@code keep_tokens} tags stay fixed in front;</li>
 *   <li>{@code shuffle_caption}: the remaining tags are shuffled (Fisher–Yates);</li>
 *   <li>{@code caption_tag_dropout_rate}: each remaining tag is dropped with probability p (after shuffling, as
 *       kohya); the tags are joined again with {@code ", "}.</li>
 * </ol>
 * All draws come from the given generator, in that order, so a per-step stream gives reproducible captions.
 *
 * @param shuffleCaption   {@code shuffle_caption}
 * @param keepTokens       {@code keep_tokens} (≥ 0)
 * @param captionDropout   {@code caption_dropout_rate} in [0, 1]
 * @param tagDropout       {@code caption_tag_dropout_rate} in [0, 1]
 */
public record CaptionAugment(boolean shuffleCaption, int keepTokens, double captionDropout, double tagDropout) {
    /** No augmentation (the SPEC defaults). */
    public static final CaptionAugment NONE = new CaptionAugment(false, 0, 0, 0);

    public CaptionAugment {
        if (keepTokens < 0) {
            throw new IllegalArgumentException("keep_tokens must be >= 0, found " + keepTokens);
        }
        checkRate("caption_dropout_rate", captionDropout);
        checkRate("caption_tag_dropout_rate", tagDropout);
    }

    private static void checkRate(String key, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1], found " + p);
        }
    }

    /** The augmented caption. */
    public String apply(String caption, RandomGenerator random) {
        if (captionDropout > 0 && random.nextDouble() < captionDropout) {
            return "";
        }
        if (!shuffleCaption && tagDropout == 0) {
            return caption;
        }
        List<String> tags = new ArrayList<>();
        for (String t : caption.strip().split(",", -1)) {
            tags.add(t.strip());
        }
        int keep = Math.min(keepTokens, tags.size());
        List<String> out = new ArrayList<>(tags.subList(0, keep));
        List<String> flex = new ArrayList<>(tags.subList(keep, tags.size()));
        if (shuffleCaption) {
            for (int i = flex.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                flex.set(j, flex.set(i, flex.get(j)));
            }
        }
        for (String tag : flex) {
            if (tagDropout == 0 || random.nextDouble() >= tagDropout) {
                out.add(tag);
            }
        }
        return String.join(", ", out);
    }
}
