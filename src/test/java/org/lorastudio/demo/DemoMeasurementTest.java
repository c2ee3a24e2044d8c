package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.lorastudio.demo.DemoDatasetGenerator.Colour;
import org.lorastudio.demo.DemoDatasetGenerator.Fill;
import org.lorastudio.demo.DemoDatasetGenerator.Item;
import org.lorastudio.demo.DemoDatasetGenerator.Shape;

/**
 * The counting of {@code demo measure}, with the generator as the "model": a painter that draws what the prompt asks
 * (hollow at strength 1 with the trigger) scores 100 % everywhere; one that ignores the prompt scores what chance
 * gives.
 */
class DemoMeasurementTest {
    /** Draws the prompt's scene, hollow when the trigger is there and the strength is above one half. */
    private static BufferedImage draw(String prompt, int seed, float strength) {
        boolean trigger = prompt.startsWith(DemoDatasetGenerator.STYLE_TRIGGER + ", ");
        String plain = trigger ? prompt.substring(DemoDatasetGenerator.STYLE_TRIGGER.length() + 2) : prompt;
        String[] w = plain.split(" "); // a/an <colour> <shape> on a/an <colour> background
        Colour fg = Colour.valueOf(w[1].toUpperCase());
        Shape shape = Shape.valueOf(w[2].toUpperCase());
        Colour bg = Colour.valueOf(w[5].toUpperCase());
        SplittableRandom rnd = new SplittableRandom(seed);
        double r = 10 + 8 * rnd.nextDouble();
        return DemoDatasetGenerator.renderItem(bg, new Item(shape, fg, false), 20 + 24 * rnd.nextDouble(),
                20 + 24 * rnd.nextDouble(), r, 64, trigger && strength > 0.5f ? Fill.HOLLOW : Fill.SOLID);
    }

    @Test
    void promptsCoverEveryCombinationOnceBeforeRepeating() {
        List<DemoMeasurement.Prompt> ps = DemoMeasurement.prompts(224, 3);
        Set<String> texts = new HashSet<>();
        ps.forEach(p -> texts.add(p.text(Fill.SOLID)));
        assertThat(texts).hasSize(224).contains("an orange star on a white background",
                "a black circle on an orange background");
        assertThat(ps).noneMatch(p -> p.object() == p.background());
        assertThat(DemoMeasurement.prompts(300, 3)).hasSize(300).startsWith(ps.get(0));
        assertThat(DemoMeasurement.prompts(5, 3)).isNotEqualTo(DemoMeasurement.prompts(5, 4));
        assertThat(ps.get(0).text(Fill.HOLLOW)).startsWith("zkx style, a");
    }

    @Test
    void aPainterThatDrawsThePromptScoresEverything() {
        DemoMeasurement.Result r = DemoMeasurement.run(DemoMeasurementTest::draw, DemoMeasurement.prompts(40, 1),
                List.of(0f, 1f), true, (d, t) -> { });
        assertThat(r.tallies()).hasSize(4);
        for (DemoMeasurement.Tally t : r.tallies()) {
            assertThat(t.images()).isEqualTo(40);
            assertThat(t.backgroundPercent()).as("%s", t).isEqualTo(100.0);
            assertThat(t.objectColourPercent()).as("%s", t).isEqualTo(100.0);
            assertThat(t.shapePercent()).as("%s", t).isEqualTo(100.0);
        }
        assertThat(r.hollowerPercent()).isEqualTo(100.0);
        assertThat(r.tally(1f, Fill.HOLLOW).meanSolidity()).isLessThan(r.tally(0f, Fill.HOLLOW).meanSolidity() - 0.2);
        assertThat(r.tally(1f, Fill.SOLID).meanSolidity()).isEqualTo(r.tally(0f, Fill.SOLID).meanSolidity());
    }

    @Test
    void drawnPromptsAreReadAsAsked() {
        List<DemoMeasurement.Prompt> ps = DemoMeasurement.prompts(224, 5);
        DemoMeasurement.Result r = DemoMeasurement.run((prompt, seed, strength) -> DemoMeasurement.drawn(
                ps.stream().filter(p -> p.text(Fill.SOLID).equals(prompt)).findFirst().orElseThrow(), seed, 64),
                ps, List.of(0f), false, (d, t) -> { });
        DemoMeasurement.Tally t = r.tallies().get(0);
        assertThat(t.backgroundPercent()).isEqualTo(100.0);
        assertThat(t.objectColourPercent()).isEqualTo(100.0);
        assertThat(t.shapePercent()).isEqualTo(100.0);
        // seeded: the same prompt and seed draw the same image, another seed moves it
        DemoMeasurement.Prompt p = ps.get(0);
        assertThat(DemoMeasurement.drawn(p, 1, 64).getRGB(0, 0, 64, 64, null, 0, 64))
                .containsExactly(DemoMeasurement.drawn(p, 1, 64).getRGB(0, 0, 64, 64, null, 0, 64))
                .isNotEqualTo(DemoMeasurement.drawn(p, 2, 64).getRGB(0, 0, 64, 64, null, 0, 64));
    }

    @Test
    void aPainterThatIgnoresThePromptScoresLow() {
        int[] calls = {0};
        DemoMeasurement.Result r = DemoMeasurement.run((prompt, seed, strength) -> {
            calls[0]++;
            return DemoDatasetGenerator.renderItem(Colour.WHITE, new Item(Shape.SQUARE, Colour.RED, false), 32, 32,
                    15, 64, Fill.SOLID);
        }, DemoMeasurement.prompts(56, 2), List.of(0f, 0.5f, 1f), false, (d, t) -> { });
        assertThat(calls[0]).as("without a LoRA only the base is drawn").isEqualTo(56);
        assertThat(r.tallies()).hasSize(1);
        assertThat(r.hollower()).isEqualTo(-1);
        DemoMeasurement.Tally t = r.tallies().get(0);
        assertThat(t.backgroundPercent()).isLessThan(40);
        assertThat(t.objectColourPercent()).isLessThan(40);
        assertThat(t.shapePercent()).isLessThan(50);
    }

    @Test
    void noChangeWithStrengthIsNotHollower() {
        DemoMeasurement.Result r = DemoMeasurement.run((prompt, seed, strength) -> draw(prompt, seed, 0f),
                DemoMeasurement.prompts(10, 5), List.of(0f, 1f), true, (d, t) -> { });
        assertThat(r.hollower()).isZero();
    }
}
