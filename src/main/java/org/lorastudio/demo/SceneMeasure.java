package org.lorastudio.demo;

import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.lorastudio.demo.DemoDatasetGenerator.Colour;
import org.lorastudio.demo.DemoDatasetGenerator.Shape;

/**
 * What a demo scene shows, read from its pixels: the background colour, the colour and shape of the main object, and
 * how solid the object is. It scores generated images against the prompt that made them ("a red circle on a blue
 * background"), so the demo can show a base model and a LoRA learning.
 *
 * <ul>
 *   <li>background: the per-channel median of the border pixels, named by the nearest {@link Colour};</li>
 *   <li>object: the largest 8-connected group of pixels farther than {@link #OBJECT_DISTANCE} (RGB) from the
 *       background; its colour is the nearest {@link Colour} to the median of its pixels (of the half of them
 *       farthest from the background, so that anti-aliased edges do not count);</li>
 *   <li>shape: from the object with its holes filled (background not reachable from the border), so that an outline
 *       and a filled shape read alike — how it fills its bounding box and its convex hull, nearest of the
 *       {@link #PROTOTYPES} measured on drawn shapes;</li>
 *   <li>{@link #solidity()}: object pixels / convex hull area — 1 for a filled convex shape, lower for an outline
 *       (the hollow style) or a star.</li>
 * </ul>
 */
public final class SceneMeasure {
    /**
     * RGB distance from the background beyond which a pixel belongs to an object: half the distance of the two
     * closest demo colours (red and orange, 114), so anti-aliased edges count when more than half covered.
     */
    static final double OBJECT_DISTANCE = 57;
    /** Objects smaller than this many pixels are noise, not a shape. */
    static final int MIN_OBJECT_PIXELS = 12;

    /**
     * Each shape's (box fill, hull fill) of the hole-filled object: the means over 336 drawn shapes each, of radius
     * 8–20 px at 64×64, solid and hollow (SceneMeasureTest prints them). Ideal values of the continuous shapes:
     * square (1, 1), circle (π/4, 1), triangle (1/2, 1), star (0.38, 0.56); pixels round the corners and the tips.
     */
    private static final double[][] PROTOTYPES = {
            {1.00, 1.00}, // SQUARE
            {0.78, 0.955}, // CIRCLE
            {0.54, 0.91}, // TRIANGLE
            {0.44, 0.605}, // STAR
    };

    private final Colour background;
    private final Colour object;
    private final Shape shape;
    private final int objectPixels;
    private final double boxFill;
    private final double hullFill;
    private final double solidity;

    private SceneMeasure(Colour background, Colour object, Shape shape, int objectPixels, double boxFill,
                         double hullFill, double solidity) {
        this.background = background;
        this.object = object;
        this.shape = shape;
        this.objectPixels = objectPixels;
        this.boxFill = boxFill;
        this.hullFill = hullFill;
        this.solidity = solidity;
    }

    /** Measures an image (any size of at least 3×3). */
    public static SceneMeasure of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (w < 3 || h < 3) {
            throw new IllegalArgumentException("image must be at least 3x3, found " + w + "x" + h);
        }
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        int[] bg = borderMedian(rgb, w, h);
        Colour background = nearest(bg);
        boolean[] far = new boolean[w * h];
        for (int i = 0; i < rgb.length; i++) {
            far[i] = distance(rgb[i], bg) > OBJECT_DISTANCE;
        }
        boolean[] object = largestComponent(far, w, h);
        int count = 0;
        for (boolean b : object) {
            count += b ? 1 : 0;
        }
        if (count < MIN_OBJECT_PIXELS) {
            return new SceneMeasure(background, null, null, count, 0, 0, 0);
        }
        boolean[] filled = fillHoles(object, w, h);
        int filledCount = 0;
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (filled[y * w + x]) {
                    filledCount++;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        double box = (double) (x1 - x0 + 1) * (y1 - y0 + 1);
        double hull = hullArea(filled, w, h);
        double boxFill = filledCount / box;
        double hullFill = filledCount / hull;
        return new SceneMeasure(background, nearest(coreMedian(rgb, object, bg)), classify(boxFill, hullFill), count, boxFill,
                hullFill, count / hull);
    }

    /** The background's nearest demo colour. */
    public Colour background() {
        return background;
    }

    /** The object's nearest demo colour; empty when no object stands out from the background. */
    public Optional<Colour> object() {
        return Optional.ofNullable(object);
    }

    /** The object's shape; empty when no object stands out from the background. */
    public Optional<Shape> shape() {
        return Optional.ofNullable(shape);
    }

    /** Pixels of the object (outline pixels only, for an outline). */
    public int objectPixels() {
        return objectPixels;
    }

    /** The hole-filled object's pixels / its bounding box area. */
    public double boxFill() {
        return boxFill;
    }

    /** The hole-filled object's pixels / its convex hull area. */
    public double hullFill() {
        return hullFill;
    }

    /** Object pixels / convex hull area: lower is hollower; 0 when there is no object. */
    public double solidity() {
        return solidity;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "background %s, object %s %s (%d px, box fill %.2f, hull fill %.2f,"
                        + " solidity %.2f)", background.word(), object == null ? "-" : object.word(),
                shape == null ? "-" : shape.word(), objectPixels, boxFill, hullFill, solidity);
    }

    static Shape classify(double boxFill, double hullFill) {
        Shape best = null;
        double bestD = Double.MAX_VALUE;
        for (Shape s : Shape.values()) {
            double[] p = PROTOTYPES[s.ordinal()];
            double d = (boxFill - p[0]) * (boxFill - p[0]) + (hullFill - p[1]) * (hullFill - p[1]);
            if (d < bestD) {
                bestD = d;
                best = s;
            }
        }
        return best;
    }

    /** The nearest demo colour (Euclidean in RGB). */
    static Colour nearest(int[] rgb) {
        Colour best = null;
        double bestD = Double.MAX_VALUE;
        for (Colour c : Colour.values()) {
            double d = distance(c.rgb().getRGB(), rgb);
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best;
    }

    private static double distance(int argb, int[] rgb) {
        double dr = ((argb >> 16) & 0xFF) - rgb[0];
        double dg = ((argb >> 8) & 0xFF) - rgb[1];
        double db = (argb & 0xFF) - rgb[2];
        return Math.sqrt(dr * dr + dg * dg + db * db);
    }

    private static int[] borderMedian(int[] rgb, int w, int h) {
        List<Integer> border = new ArrayList<>();
        for (int x = 0; x < w; x++) {
            border.add(rgb[x]);
            border.add(rgb[(h - 1) * w + x]);
        }
        for (int y = 1; y < h - 1; y++) {
            border.add(rgb[y * w]);
            border.add(rgb[y * w + w - 1]);
        }
        return medianOf(border.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The median colour of the half of the object's pixels farthest from the background: a thin outline is mostly
     * anti-aliased edge, whose blend with the background would pull the median towards a neighbouring colour.
     */
    private static int[] coreMedian(int[] rgb, boolean[] mask, int[] bg) {
        List<int[]> byDistance = new ArrayList<>(); // {pixel, distance·1000}
        for (int i = 0; i < rgb.length; i++) {
            if (mask[i]) {
                byDistance.add(new int[] {rgb[i], (int) Math.round(distance(rgb[i], bg) * 1000)});
            }
        }
        byDistance.sort((a, b) -> Integer.compare(b[1], a[1]));
        int[] core = new int[(byDistance.size() + 1) / 2];
        for (int i = 0; i < core.length; i++) {
            core[i] = byDistance.get(i)[0];
        }
        return medianOf(core);
    }

    /** Per-channel median of packed RGB pixels. */
    private static int[] medianOf(int[] pixels) {
        int[] out = new int[3];
        int[] channel = new int[pixels.length];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            for (int i = 0; i < pixels.length; i++) {
                channel[i] = (pixels[i] >> shift) & 0xFF;
            }
            Arrays.sort(channel);
            out[c] = channel[channel.length / 2];
        }
        return out;
    }

    /** The largest 8-connected group of {@code mask} pixels. */
    static boolean[] largestComponent(boolean[] mask, int w, int h) {
        int[] label = new int[mask.length];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int i = queue.poll();
                size++;
                int x = i % w;
                int y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                            int j = ny * w + nx;
                            if (mask[j] && label[j] == 0) {
                                label[j] = next;
                                queue.add(j);
                            }
                        }
                    }
                }
            }
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        boolean[] out = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            out[i] = bestLabel != 0 && label[i] == bestLabel;
        }
        return out;
    }

    /**
     * The object with its holes: every pixel not reachable from the border through non-object pixels (4-connected,
     * so that a diagonal step through an 8-connected outline does not leak in).
     */
    static boolean[] fillHoles(boolean[] object, int w, int h) {
        boolean[] outside = new boolean[object.length];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if ((x == 0 || y == 0 || x == w - 1 || y == h - 1) && !object[i]) {
                    outside[i] = true;
                    queue.add(i);
                }
            }
        }
        int[][] steps = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!queue.isEmpty()) {
            int i = queue.poll();
            int x = i % w;
            int y = i / w;
            for (int[] s : steps) {
                int nx = x + s[0];
                int ny = y + s[1];
                if (nx >= 0 && ny >= 0 && nx < w && ny < h) {
                    int j = ny * w + nx;
                    if (!object[j] && !outside[j]) {
                        outside[j] = true;
                        queue.add(j);
                    }
                }
            }
        }
        boolean[] filled = new boolean[object.length];
        for (int i = 0; i < object.length; i++) {
            filled[i] = !outside[i];
        }
        return filled;
    }

    /**
     * Area of the convex hull of the mask's pixels taken as unit squares (the corners of each row's first and last
     * pixel), by Andrew's monotone chain and the shoelace formula; a filled axis-aligned square gives its pixel count.
     */
    static double hullArea(boolean[] mask, int w, int h) {
        List<long[]> pts = new ArrayList<>();
        for (int y = 0; y < h; y++) {
            int first = -1;
            int last = -1;
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    if (first < 0) {
                        first = x;
                    }
                    last = x;
                }
            }
            if (first >= 0) {
                pts.add(new long[] {first, y});
                pts.add(new long[] {first, y + 1});
                pts.add(new long[] {last + 1, y});
                pts.add(new long[] {last + 1, y + 1});
            }
        }
        pts.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int n = pts.size();
        long[][] hull = new long[2 * n][];
        int k = 0;
        for (int i = 0; i < n; i++) { // lower chain
            while (k >= 2 && cross(hull[k - 2], hull[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            hull[k++] = pts.get(i);
        }
        for (int i = n - 2, lower = k + 1; i >= 0; i--) { // upper chain
            while (k >= lower && cross(hull[k - 2], hull[k - 1], pts.get(i)) <= 0) {
                k--;
            }
            hull[k++] = pts.get(i);
        }
        long twice = 0;
        for (int i = 0; i < k - 1; i++) {
            twice += hull[i][0] * hull[i + 1][1] - hull[i + 1][0] * hull[i][1];
        }
        return Math.abs(twice) / 2.0;
    }

    private static long cross(long[] o, long[] a, long[] b) {
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
    }
}
