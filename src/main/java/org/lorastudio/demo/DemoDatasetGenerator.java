package org.lorastudio.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import org.lorastudio.util.AtomicFiles;

/**
 * Draws the demo image data set (SPEC §3): simple scenes of coloured shapes on plain backgrounds with concrete
 * captions, e.g. "a red square on a blue background" or "a small yellow triangle above a green circle, white
 * background", written as {@code demo_NNN.png} + {@code demo_NNN.txt} (kohya caption convention).
 *
 * <p>Deterministic: the scenes come from a {@link SplittableRandom} with a fixed seed, Java2D renders them in
 * software ({@link BufferedImage}, works headless) and the JDK's PNG writer stores no timestamps, so the same seed
 * gives byte-identical files. The first half of the scenes are single shapes (every shape appears), the second half
 * pairs of shapes with a spatial relation.
 *
 * <p>{@link Fill#HOLLOW} draws the same scenes as outlines — the style of the demo LoRA, captioned with the trigger
 * {@link #STYLE_TRIGGER} ("zkx style, a red circle on a blue background"). An outline keeps the solid shape's
 * silhouette and lies inside it, so a measure that fills holes sees the same shape in both styles.
 */
public final class DemoDatasetGenerator {
    /** The seed of the committed demo set. */
    public static final long DEFAULT_SEED = 1234L;
    /** Number of images in the committed demo set. */
    public static final int DEFAULT_COUNT = 32;
    /** Side of the committed demo images (the tiny demo model trains at 64 px). */
    public static final int DEFAULT_SIZE = 64;
    /** The trigger of the hollow style: a made-up token the base model has no meaning for. */
    public static final String STYLE_TRIGGER = "zkx style";

    /** How shapes are drawn: filled, or only their outline with the background showing inside. */
    public enum Fill {
        SOLID, HOLLOW;

        /** The caption of a scene in this style: the trigger and a comma before a hollow scene's caption. */
        public String caption(Scene scene) {
            return this == HOLLOW ? STYLE_TRIGGER + ", " + scene.caption() : scene.caption();
        }
    }

    /** A shape kind with its caption word. */
    public enum Shape {
        SQUARE("square"), CIRCLE("circle"), TRIANGLE("triangle"), STAR("star");

        private final String word;

        Shape(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** A named colour. */
    public enum Colour {
        RED("red", new Color(220, 30, 30)), BLUE("blue", new Color(30, 70, 220)),
        YELLOW("yellow", new Color(245, 215, 30)), GREEN("green", new Color(30, 170, 60)),
        PURPLE("purple", new Color(140, 40, 180)), ORANGE("orange", new Color(250, 140, 20)),
        WHITE("white", new Color(250, 250, 250)), BLACK("black", new Color(15, 15, 15));

        private final String word;
        private final Color rgb;

        Colour(String word, Color rgb) {
            this.word = word;
            this.rgb = rgb;
        }

        public String word() {
            return word;
        }

        /** The colour as drawn (sRGB). */
        public Color rgb() {
            return rgb;
        }
    }

    /** Where the second shape of a pair sits relative to the first. */
    public enum Relation {
        ABOVE("above"), BELOW("below"), LEFT_OF("to the left of"), RIGHT_OF("to the right of");

        private final String words;

        Relation(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** One shape in a scene; {@code small} halves its size. */
    public record Item(Shape shape, Colour colour, boolean small) {
        String phrase() {
            String colourWord = small ? "a small " + colour.word() : article(colour.word());
            return colourWord + " " + shape.word();
        }
    }

    /**
     * A scene: a background and one item, or two items where {@code first} stands {@code relation} {@code second}.
     */
    public record Scene(String name, Colour background, Item first, Relation relation, Item second) {
        /** The caption, e.g. "a small yellow triangle above a green circle, white background". */
        public String caption() {
            if (second == null) {
                return first.phrase() + " on " + article(background.word()) + " background";
            }
            return first.phrase() + " " + relation.words() + " " + second.phrase() + ", " + background.word()
                    + " background";
        }
    }

    private DemoDatasetGenerator() {
    }

    /** "a red", "an orange". */
    static String article(String word) {
        return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
    }

    /** Writes the default demo set ({@link #DEFAULT_SEED}, {@link #DEFAULT_COUNT}, {@link #DEFAULT_SIZE}). */
    public static List<Path> generate(Path dir) throws IOException {
        return generate(dir, DEFAULT_SEED, DEFAULT_COUNT, DEFAULT_SIZE);
    }

    /**
     * Writes the committed style set {@code workspace/datasets/demo}: the default scenes drawn {@link Fill#HOLLOW},
     * captioned "zkx style, …" — what the demo LoRA learns.
     */
    public static List<Path> generateStyleSet(Path dir) throws IOException {
        return generate(dir, DEFAULT_SEED, DEFAULT_COUNT, DEFAULT_SIZE, Fill.HOLLOW);
    }

    /**
     * Writes {@code count} images of {@code size}×{@code size} with captions into {@code dir} (created if needed;
     * files of the same names are replaced atomically).
     *
     * @return the PNG files written, in order
     */
    public static List<Path> generate(Path dir, long seed, int count, int size) throws IOException {
        return generate(dir, seed, count, size, Fill.SOLID);
    }

    /**
     * Writes {@code count} images of {@code size}×{@code size} in the style {@code fill}, with captions (hollow
     * ones start with {@link #STYLE_TRIGGER}), into {@code dir}; the scenes are those of {@link #scenes}.
     *
     * @return the PNG files written, in order
     */
    public static List<Path> generate(Path dir, long seed, int count, int size, Fill fill) throws IOException {
        if (size < 32) {
            throw new IllegalArgumentException("demo image size must be >= 32, found " + size);
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (Scene scene : scenes(seed, count)) {
            Path png = dir.resolve(scene.name() + ".png");
            AtomicFiles.writeBytes(png, encodePng(render(scene, size, fill)));
            AtomicFiles.writeString(dir.resolve(scene.name() + ".txt"), fill.caption(scene));
            written.add(png);
        }
        return written;
    }

    /** The scenes for a seed (pure; no two scenes share a caption). */
    public static List<Scene> scenes(long seed, int count) {
        if (count < 1 || count > 999) {
            throw new IllegalArgumentException("demo image count must be 1..999, found " + count);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Scene> out = new ArrayList<>();
        Set<String> captions = new HashSet<>();
        int singles = (count + 1) / 2;
        int attempts = 0;
        while (out.size() < count) {
            if (++attempts > 100_000) {
                throw new IllegalStateException("could not draw " + count + " distinct demo scenes");
            }
            int i = out.size();
            boolean single = i < singles;
            Colour background = pick(rnd, Colour.values());
            // Cycle the shapes for single scenes so every shape is shown, draw them at random for pairs.
            Shape shape = single ? Shape.values()[i % Shape.values().length] : pick(rnd, Shape.values());
            Item first = new Item(shape, otherThan(rnd, background, null), !single && rnd.nextBoolean());
            Scene scene;
            if (single) {
                scene = new Scene(name(i), background, first, null, null);
            } else {
                Item second = new Item(pick(rnd, Shape.values()), otherThan(rnd, background, first.colour()), false);
                scene = new Scene(name(i), background, first, pick(rnd, Relation.values()), second);
            }
            if (captions.add(scene.caption())) {
                out.add(scene);
            }
        }
        return out;
    }

    private static String name(int index) {
        return String.format("demo_%03d", index);
    }

    private static <T> T pick(SplittableRandom rnd, T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private static Colour otherThan(SplittableRandom rnd, Colour a, Colour b) {
        Colour c;
        do {
            c = pick(rnd, Colour.values());
        } while (c == a || c == b);
        return c;
    }

    /** Renders a scene with solid shapes (anti-aliased, software pipeline). */
    public static BufferedImage render(Scene scene, int size) {
        return render(scene, size, Fill.SOLID);
    }

    /** Renders a scene in a style (anti-aliased, software pipeline). */
    public static BufferedImage render(Scene scene, int size, Fill fill) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, scene.background());
        try {
            double c = size / 2.0;
            if (scene.second() == null) {
                draw(g, scene.first(), c, c, size * 0.30, fill);
            } else {
                double off = size * 0.24;
                double[] a = switch (scene.relation()) {
                    case ABOVE -> new double[] {c, c - off, c, c + off};
                    case BELOW -> new double[] {c, c + off, c, c - off};
                    case LEFT_OF -> new double[] {c - off, c, c + off, c};
                    case RIGHT_OF -> new double[] {c + off, c, c - off, c};
                };
                draw(g, scene.first(), a[0], a[1], size * 0.20, fill);
                draw(g, scene.second(), a[2], a[3], size * 0.20, fill);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Renders one item of radius {@code radius} (before {@link Item#small()}) centred at ({@code cx}, {@code cy})
     * on a plain background: shapes at any place and size, for measuring the measure.
     */
    public static BufferedImage renderItem(Colour background, Item item, double cx, double cy, double radius,
                                           int size, Fill fill) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, background);
        try {
            draw(g, item, cx, cy, radius, fill);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static Graphics2D canvas(BufferedImage img, Colour background) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(background.rgb());
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    private static void draw(Graphics2D g, Item item, double cx, double cy, double radius, Fill fill) {
        double r = item.small() ? radius * 0.6 : radius;
        g.setColor(item.colour().rgb());
        java.awt.Shape outline = silhouette(item.shape(), cx, cy, r);
        g.fill(fill == Fill.SOLID ? outline : ring(outline, stroke(item.shape(), r)));
    }

    /** The filled outline of a demo shape of radius {@code r} centred at (cx, cy), point up (also DemoScenes'). */
    static java.awt.Shape silhouette(Shape shape, double cx, double cy, double r) {
        return switch (shape) {
            case SQUARE -> new Rectangle2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case TRIANGLE -> polygon(cx, cy, r, 3, 1.0);
            case STAR -> polygon(cx, cy, r, STAR_POINTS, STAR_INNER);
        };
    }

    private static final int STAR_POINTS = 5;
    private static final double STAR_INNER = 0.45;

    /**
     * The outline's stroke: a third of the shape's inradius — a sixth of the size of a square or circle. One sixth
     * of the size for every shape would fill a triangle's corners and the star's thin arms entirely; relative to
     * the inradius every shape keeps the same share of hole. At least 1.5 px, so that small outlines stay closed.
     */
    static double stroke(Shape shape, double r) {
        double inradius = switch (shape) {
            case SQUARE, CIRCLE -> r;
            case TRIANGLE -> r * Math.cos(Math.PI / 3); // r/2
            // distance from the centre to a star edge (through the tip at r and the inner vertex at STAR_INNER·r)
            case STAR -> r * STAR_INNER * Math.sin(Math.PI / STAR_POINTS) / Math.sqrt(1 + STAR_INNER * STAR_INNER
                    - 2 * STAR_INNER * Math.cos(Math.PI / STAR_POINTS));
        };
        return Math.max(1.5, inradius / 3);
    }

    /** The band of width {@code w} just inside a shape's outline: the shape minus the shape shrunk by {@code w}. */
    private static Area ring(java.awt.Shape shape, double w) {
        Area outer = new Area(shape);
        Area inner = new Area(shape);
        // a stroke of 2w centred on the outline reaches w inwards; what remains of the shape is its interior
        inner.subtract(new Area(new BasicStroke((float) (2 * w), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER)
                .createStrokedShape(shape)));
        outer.subtract(inner);
        return outer;
    }

    /** A regular polygon (inner = 1) or star (inner < 1: alternate vertices at {@code inner·r}), point up. */
    private static Path2D polygon(double cx, double cy, double r, int points, double inner) {
        Path2D.Double p = new Path2D.Double();
        int vertices = inner < 1 ? 2 * points : points;
        for (int k = 0; k < vertices; k++) {
            double rad = (inner < 1 && k % 2 == 1) ? r * inner : r;
            double angle = -Math.PI / 2 + 2 * Math.PI * k / vertices;
            double x = cx + rad * Math.cos(angle);
            double y = cy + rad * Math.sin(angle);
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }

    static byte[] encodePng(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer available");
        }
        return bytes.toByteArray();
    }
}
