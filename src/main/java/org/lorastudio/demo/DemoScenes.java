package org.lorastudio.demo;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.lorastudio.demo.DemoDatasetGenerator.Colour;
import org.lorastudio.demo.DemoDatasetGenerator.Relation;
import org.lorastudio.util.AtomicFiles;

/**
 * Draws the pretraining data of the demo base model: the demo's eight colours and four shapes
 * ({@link DemoDatasetGenerator}'s enums, names and RGB values) at random positions and sizes, captioned in the demo's
 * style ("a red square on a blue background", "a small yellow triangle above a green circle, white background").
 *
 * <p>Every (shape, object colour, background colour) combination with the two colours different (4 × 8 × 7 = 224)
 * appears once per round of single-object scenes, in a seeded shuffled order; {@code pairShare} of the scenes hold
 * two objects in one of the four relations. Pure and deterministic for a seed.
 */
public final class DemoScenes {
    /** Fraction of object radius (of the image side) for a single object: drawn uniformly in this range. */
    private static final double SINGLE_MIN = 0.14;
    private static final double SINGLE_MAX = 0.34;
    /** Below this radius factor a second-object's caption says "small" (as the demo's pairs do). */
    private static final double SMALL = 0.6;

    private DemoScenes() {
    }

    /** One object: its shape, colour, centre and radius in pixels of a {@code size}-pixel image, small or not. */
    public record Placed(DemoDatasetGenerator.Shape shape, Colour colour, double cx, double cy, double radius,
                         boolean small) {
        String phrase() {
            return (small ? "a small " + colour.word() : DemoDatasetGenerator.article(colour.word())) + " "
                    + shape.word();
        }
    }

    /** A scene: background, one object, or two where {@code first} stands {@code relation} {@code second}. */
    public record Scene(Colour background, Placed first, Relation relation, Placed second) {
        /** The caption in the demo's style. */
        public String caption() {
            if (second == null) {
                return first.phrase() + " on " + DemoDatasetGenerator.article(background.word()) + " background";
            }
            return first.phrase() + " " + relation.words() + " " + second.phrase() + ", " + background.word()
                    + " background";
        }
    }

    /** {@code count} scenes of {@code size}-pixel images for {@code seed}. */
    public static List<Scene> scenes(long seed, int count, int size, double pairShare) {
        if (count < 1) {
            throw new IllegalArgumentException("scene count must be >= 1, found " + count);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> combos = new ArrayList<>(); // (shape, colour, background)
        for (int s = 0; s < DemoDatasetGenerator.Shape.values().length; s++) {
            for (int c = 0; c < Colour.values().length; c++) {
                for (int b = 0; b < Colour.values().length; b++) {
                    if (b != c) {
                        combos.add(new int[] {s, c, b});
                    }
                }
            }
        }
        List<Scene> out = new ArrayList<>(count);
        List<int[]> round = new ArrayList<>();
        while (out.size() < count) {
            if (round.isEmpty()) {
                round.addAll(combos);
                shuffle(round, rnd);
            }
            int[] k = round.remove(round.size() - 1);
            DemoDatasetGenerator.Shape shape = DemoDatasetGenerator.Shape.values()[k[0]];
            Colour colour = Colour.values()[k[1]];
            Colour background = Colour.values()[k[2]];
            if (rnd.nextDouble() < pairShare) {
                out.add(pair(rnd, size, shape, colour, background));
            } else {
                double r = size * (SINGLE_MIN + rnd.nextDouble() * (SINGLE_MAX - SINGLE_MIN));
                double cx = r + rnd.nextDouble() * (size - 2 * r);
                double cy = r + rnd.nextDouble() * (size - 2 * r);
                out.add(new Scene(background, new Placed(shape, colour, cx, cy, r, false), null, null));
            }
        }
        return out;
    }

    private static Scene pair(SplittableRandom rnd, int size, DemoDatasetGenerator.Shape shape, Colour colour,
                              Colour background) {
        Colour other;
        do {
            other = Colour.values()[rnd.nextInt(Colour.values().length)];
        } while (other == background || other == colour);
        DemoDatasetGenerator.Shape otherShape =
                DemoDatasetGenerator.Shape.values()[rnd.nextInt(DemoDatasetGenerator.Shape.values().length)];
        Relation relation = Relation.values()[rnd.nextInt(Relation.values().length)];
        double base = size * (0.15 + rnd.nextDouble() * 0.06);
        boolean small = rnd.nextInt(3) == 0;
        double r1 = small ? base * SMALL : base;
        double r2 = base;
        // The two centres sit on the relation's axis, a quarter of the image either side of a jittered middle.
        double c = size / 2.0;
        double off = size * (0.22 + rnd.nextDouble() * 0.05);
        double along = c + (rnd.nextDouble() - 0.5) * size * 0.06;
        double across = c + (rnd.nextDouble() - 0.5) * size * 0.3;
        double[] p = switch (relation) {
            case ABOVE -> new double[] {across, along - off, across, along + off};
            case BELOW -> new double[] {across, along + off, across, along - off};
            case LEFT_OF -> new double[] {along - off, across, along + off, across};
            case RIGHT_OF -> new double[] {along + off, across, along - off, across};
        };
        return new Scene(background, new Placed(shape, colour, p[0], p[1], r1, small), relation,
                new Placed(otherShape, other, p[2], p[3], r2, false));
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    /** Renders a scene at {@code size}×{@code size} (anti-aliased, software pipeline, works headless). */
    public static BufferedImage render(Scene scene, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(scene.background().rgb());
            g.fillRect(0, 0, size, size);
            draw(g, scene.first());
            if (scene.second() != null) {
                draw(g, scene.second());
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void draw(Graphics2D g, Placed o) {
        g.setColor(o.colour().rgb());
        double r = o.radius();
        Shape s = DemoDatasetGenerator.silhouette(o.shape(), o.cx(), o.cy(), r);
        g.fill(s);
    }

    /** The file name (without extension) of scene {@code index}: {@code scene_00042}. */
    public static String fileStem(int index) {
        return String.format("scene_%05d", index);
    }

    /**
     * Writes the scenes as {@code scene_NNNNN.png} + {@code .txt} into {@code dir} (created if needed).
     *
     * @return the PNG files, in order
     */
    public static List<Path> write(Path dir, List<Scene> scenes, int size) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) {
            String name = fileStem(i);
            Path png = dir.resolve(name + ".png");
            AtomicFiles.writeBytes(png, DemoDatasetGenerator.encodePng(render(scenes.get(i), size)));
            AtomicFiles.writeString(dir.resolve(name + ".txt"), scenes.get(i).caption());
            written.add(png);
        }
        return written;
    }
}
