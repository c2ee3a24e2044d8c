package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class CaptionAugmentTest {
    private static final String CAPTION = "mychar, red hair, blue eyes, smiling, outdoors, night";

    @Test
    void noAugmentationReturnsTheCaptionUnchanged() {
        assertThat(CaptionAugment.NONE.apply(CAPTION, new SplittableRandom(1))).isSameAs(CAPTION);
    }

    @Test
    void shuffleKeepsTheFirstTokensAndEveryTag() {
        CaptionAugment aug = new CaptionAugment(true, 1, 0, 0);
        String a = aug.apply(CAPTION, new SplittableRandom(7));
        assertThat(a).startsWith("mychar, ");
        assertThat(Arrays.stream(a.split(", ")).sorted()).containsExactlyElementsOf(
                Arrays.stream(CAPTION.split(", ")).sorted().toList());
        assertThat(aug.apply(CAPTION, new SplittableRandom(7))).as("deterministic").isEqualTo(a);
        boolean changed = false;
        for (int seed = 0; seed < 10 && !changed; seed++) {
            changed = !aug.apply(CAPTION, new SplittableRandom(seed)).equals(CAPTION);
        }
        assertThat(changed).isTrue();
    }

    @Test
    void tagDropoutDropsOnlyUnkeptTags() {
        CaptionAugment all = new CaptionAugment(false, 2, 0, 1.0);
        assertThat(all.apply(CAPTION, new SplittableRandom(3))).isEqualTo("mychar, red hair");
        CaptionAugment some = new CaptionAugment(false, 0, 0, 0.5);
        String s = some.apply(CAPTION, new SplittableRandom(3));
        assertThat(CAPTION.split(", ")).contains(s.isEmpty() ? new String[0] : s.split(", "));
        assertThat(some.apply(CAPTION, new SplittableRandom(3))).isEqualTo(s);
    }

    @Test
    void captionDropoutEmptiesWholeCaptionsAtTheGivenRate() {
        assertThat(new CaptionAugment(true, 1, 1.0, 0.5).apply(CAPTION, new SplittableRandom(1))).isEmpty();
        CaptionAugment aug = new CaptionAugment(false, 0, 0.3, 0);
        SplittableRandom rnd = new SplittableRandom(11);
        int empty = 0;
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            if (aug.apply(CAPTION, rnd).isEmpty()) {
                empty++;
            }
        }
        assertThat(empty / (double) n).isCloseTo(0.3, within(0.02));
    }

    @Test
    void tagsAreTrimmedAndKeepTokensBeyondTheTagCountIsFine() {
        assertThat(new CaptionAugment(true, 5, 0, 0).apply(" a ,b,  c ", new SplittableRandom(1)))
                .isEqualTo("a, b, c");
        assertThatThrownBy(() -> new CaptionAugment(false, -1, 0, 0)).hasMessageContaining("keep_tokens");
        assertThatThrownBy(() -> new CaptionAugment(false, 0, 1.5, 0)).hasMessageContaining("caption_dropout_rate");
    }
}
