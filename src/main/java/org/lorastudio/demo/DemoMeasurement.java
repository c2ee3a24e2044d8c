package org.lorastudio.demo;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.lorastudio.demo.DemoDatasetGenerator.Colour;
import org.lorastudio.demo.DemoDatasetGenerator.Fill;
import org.lorastudio.demo.DemoDatasetGenerator.Shape;

/**
 * Whether a model draws what the demo prompts ask for: generates "a/an &lt;colour&gt; &lt;shape&gt; on a
 * &lt;colour&gt; background" over every colour pair and shape (also those the data set never shows), reads each
 * image with {@link SceneMeasure}, and counts what it got right. With a LoRA it also generates with the style
 * trigger at each strength, on the same seeds, and counts the prompts whose object is hollower at the highest
 * strength than at the lowest.
 *
 * <p>The drawing is a {@link Painter}, so that the same counting runs on a diffusion model (the {@code demo measure}
 * command) and on the generator's own drawings (tests, where every answer is known).
 */
public final class DemoMeasurement {
    /** Bars of the demo (issue 14): what a working base model and style LoRA reach. */
    public static final double BACKGROUND_BAR = 90;
    public static final double OBJECT_COLOUR_BAR = 80;
    public static final double SHAPE_BAR = 60;
    public static final double HOLLOWER_BAR = 80;
    public static final double BACKGROUND_KEPT_BAR = 80;

    /** Draws one image for a prompt, a seed and a LoRA strength (ignored without a LoRA). */
    @FunctionalInterface
    public interface Painter {
        BufferedImage paint(String prompt, int seed, float strength);
    }

    /** Told after each image: how many are done of how many. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    /** One prompt with the seed it is drawn with. */
    public record Prompt(Colour object, Shape shape, Colour background, int seed) {
        /** "a red circle on a blue background", or with the trigger first. */
        public String text(Fill style) {
            String plain = DemoDatasetGenerator.article(object.word()) + " " + shape.word() + " on "
                    + DemoDatasetGenerator.article(background.word()) + " background";
            return style == Fill.HOLLOW ? DemoDatasetGenerator.STYLE_TRIGGER + ", " + plain : plain;
        }
    }

    /** How often the images of one strength and style showed what was asked (counts of {@code images}). */
    public record Tally(float strength, Fill style, int images, int background, int objectColour, int shape,
                        double meanSolidity) {
        public double backgroundPercent() {
            return percent(background, images);
        }

        public double objectColourPercent() {
            return percent(objectColour, images);
        }

        public double shapePercent() {
            return percent(shape, images);
        }
    }

    /**
     * The outcome. {@code tallies} has one entry per strength for plain prompts, and with a LoRA one more per
     * strength for triggered prompts; {@code hollower} counts triggered prompts whose object's solidity is lower at
     * the highest strength than at the lowest (-1 without a LoRA).
     */
    public record Result(List<Tally> tallies, int prompts, int hollower, float low, float high) {
        public Result {
            tallies = List.copyOf(tallies);
        }

        public double hollowerPercent() {
            return percent(hollower, prompts);
        }

        /** The tally of one strength and style. */
        public Tally tally(float strength, Fill style) {
            return tallies.stream().filter(t -> t.strength() == strength && t.style() == style).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tally for " + strength + " " + style));
        }
    }

    private DemoMeasurement() {
    }

    /**
     * {@code count} prompts: every (object colour, shape, other background colour) combination once in a random
     * order, repeated with new seeds when {@code count} is larger than the 224 combinations.
     */
    public static List<Prompt> prompts(int count, long seed) {
        if (count < 1 || count > 10_000) {
            throw new IllegalArgumentException("prompt count must be 1..10000, found " + count);
        }
        List<Prompt> all = new ArrayList<>();
        for (Colour bg : Colour.values()) {
            for (Colour fg : Colour.values()) {
                if (fg != bg) {
                    for (Shape s : Shape.values()) {
                        all.add(new Prompt(fg, s, bg, 0));
                    }
                }
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Prompt> out = new ArrayList<>();
        while (out.size() < count) {
            List<Prompt> round = new ArrayList<>(all);
            for (int i = round.size() - 1; i > 0; i--) { // Fisher–Yates
                int j = rnd.nextInt(i + 1);
                Prompt t = round.get(i);
                round.set(i, round.get(j));
                round.set(j, t);
            }
            for (Prompt p : round.subList(0, Math.min(round.size(), count - out.size()))) {
                out.add(new Prompt(p.object(), p.shape(), p.background(), rnd.nextInt(Integer.MAX_VALUE)));
            }
        }
        return out;
    }

    /**
     * Draws and reads every prompt at every strength (plain only without a LoRA, also triggered with one).
     *
     * @param strengths at least one; with a LoRA the lowest and highest are compared for hollowness
     */
    public static Result run(Painter painter, List<Prompt> prompts, List<Float> strengths, boolean withLora,
                             Progress progress) {
        if (strengths.isEmpty()) {
            throw new IllegalArgumentException("no strengths");
        }
        List<Fill> styles = withLora ? List.of(Fill.SOLID, Fill.HOLLOW) : List.of(Fill.SOLID);
        List<Float> used = withLora ? List.copyOf(strengths) : List.of(0f);
        float low = used.stream().min(Float::compare).orElseThrow();
        float high = used.stream().max(Float::compare).orElseThrow();
        int total = prompts.size() * used.size() * styles.size();
        int done = 0;
        List<Tally> tallies = new ArrayList<>();
        double[] lowSolidity = new double[prompts.size()];
        double[] highSolidity = new double[prompts.size()];
        for (float strength : used) {
            for (Fill style : styles) {
                int bg = 0;
                int colour = 0;
                int shape = 0;
                double solidity = 0;
                for (int i = 0; i < prompts.size(); i++) {
                    Prompt p = prompts.get(i);
                    SceneMeasure m = SceneMeasure.of(painter.paint(p.text(style), p.seed(), strength));
                    bg += m.background() == p.background() ? 1 : 0;
                    colour += m.object().filter(c -> c == p.object()).isPresent() ? 1 : 0;
                    shape += m.shape().filter(s -> s == p.shape()).isPresent() ? 1 : 0;
                    solidity += m.solidity();
                    if (style == Fill.HOLLOW && strength == low) {
                        lowSolidity[i] = m.solidity();
                    }
                    if (style == Fill.HOLLOW && strength == high) {
                        highSolidity[i] = m.solidity();
                    }
                    progress.update(++done, total);
                }
                tallies.add(new Tally(strength, style, prompts.size(), bg, colour, shape,
                        solidity / prompts.size()));
            }
        }
        int hollower = -1;
        if (withLora) {
            hollower = 0;
            for (int i = 0; i < prompts.size(); i++) {
                // no object at all (solidity 0) is not an outline: it does not count as hollower
                hollower += highSolidity[i] > 0 && highSolidity[i] < lowSolidity[i] ? 1 : 0;
            }
        }
        return new Result(tallies, prompts.size(), hollower, low, high);
    }

    /**
     * The prompt drawn by the generator (solid, at a position and size from {@code seed}, in the range of the
     * pretraining scenes): the image a perfect model would make. {@code demo measure --vae-round-trip} sends these
     * through a VAE to show how much of the shapes its latents keep — the most a UNet on that VAE can draw.
     */
    public static BufferedImage drawn(Prompt p, int seed, int size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double r = size * (0.14 + rnd.nextDouble() * 0.20);
        double cx = r + rnd.nextDouble() * (size - 2 * r);
        double cy = r + rnd.nextDouble() * (size - 2 * r);
        return DemoDatasetGenerator.renderItem(p.background(), new DemoDatasetGenerator.Item(p.shape(), p.object(),
                false), cx, cy, r, size, Fill.SOLID);
    }

    static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
