package org.lorastudio.ui.common;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Line curves drawn on a {@link Canvas}, the chart of the Train screen (loss, EMA, learning rate) and of the Compare
 * screen (overlaid runs). Each line is reduced to a min/max per pixel column before drawing, so a redraw costs one
 * pass over the points plus a few thousand line segments however many points there are; a {@code LineChart} with
 * one node per point took half a second for four runs of 100,000 points. Lines on the left axis share its scale
 * (optionally log10); lines on the right axis (the learning rate) get their own, starting at zero. FX thread only.
 */
public class CurveCanvas extends Region {
    private static final double LEFT = 56;
    private static final double TOP = 12;
    private static final double BOTTOM = 26;
    private static final double RIGHT_WITH_AXIS = 56;
    private static final double RIGHT_BARE = 14;

    /** Points of one line, x ascending; read in place so that live series need no copy per redraw. */
    public interface Points {
        int size();

        double x(int i);

        double y(int i);

        /** Points over plain arrays (the first {@code n} entries). */
        static Points of(double[] x, double[] y, int n) {
            return new Points() {
                @Override
                public int size() {
                    return n;
                }

                @Override
                public double x(int i) {
                    return x[i];
                }

                @Override
                public double y(int i) {
                    return y[i];
                }
            };
        }
    }

    /**
     * One line and how it is drawn.
     *
     * @param rightAxis whether it uses the right-hand scale (never log)
     */
    public record Line(Points points, Color color, double width, boolean rightAxis) {
    }

    /**
     * Everything one redraw shows.
     *
     * @param lines drawn in order (later on top)
     * @param log whether the left axis is log10 (non-positive values are left out)
     * @param leftTitle title in the top-left corner, in {@code leftColor}
     * @param rightTitle title of the right axis, or {@code null} for no right axis
     * @param integerX whether x ticks are whole numbers (steps) rather than fractions (epochs)
     * @param emptyText shown when no line has a point
     */
    public record Plot(List<Line> lines, boolean log, String leftTitle, Color leftColor, String rightTitle,
                       Color rightColor, boolean integerX, String emptyText) {
        public Plot {
            lines = List.copyOf(lines);
        }
    }

    private final Canvas canvas = new Canvas();
    private Plot plot = new Plot(List.of(), false, "", Color.BLACK, null, Color.BLACK, true, "");
    private long redraws;
    /** The plot area's pixels, reused while its size stays (no allocation per redraw). */
    private int[] pixels = new int[0];
    private WritableImage image;

    public CurveCanvas() {
        getChildren().add(canvas);
        setMinSize(200, 120);
        setPrefSize(800, 320);
    }

    /** Sets what is drawn and redraws. */
    public void plot(Plot next) {
        this.plot = next;
        redraw();
    }

    /** What is drawn now (for tests). */
    public Plot currentPlot() {
        return plot;
    }

    /** How many redraws happened (for tests and benchmarks). */
    public long redraws() {
        return redraws;
    }

    @Override
    protected void layoutChildren() {
        double w = snapSizeX(getWidth());
        double h = snapSizeY(getHeight());
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            redraw();
        }
    }

    /**
     * Per pixel column {@code c} (of {@code columns} spanning {@code x0..x1}): {@code out[2c]} the minimum and
     * {@code out[2c+1]} the maximum of the y values falling in it (NaN where the column has no point). With
     * {@code log} the values are log10'd and non-positive ones skipped; non-finite values are always skipped.
     */
    public static float[] envelope(Points p, double x0, double x1, int columns, boolean log) {
        float[] out = new float[columns * 2];
        Arrays.fill(out, Float.NaN);
        double scale = (columns - 1) / Math.max(1e-12, x1 - x0);
        int n = p.size();
        for (int i = 0; i < n; i++) {
            double v = p.y(i);
            if (log) {
                if (!(v > 0)) {
                    continue;
                }
                v = Math.log10(v);
            }
            if (!Double.isFinite(v)) {
                continue;
            }
            int c = (int) Math.min(columns - 1, Math.max(0, (p.x(i) - x0) * scale + 0.5));
            float f = (float) v;
            float lo = out[2 * c];
            if (Float.isNaN(lo) || f < lo) {
                out[2 * c] = f;
            }
            float hi = out[2 * c + 1];
            if (Float.isNaN(hi) || f > hi) {
                out[2 * c + 1] = f;
            }
        }
        return out;
    }

    /** Draws everything again: called on each new batch of points and on resize. */
    public void redraw() {
        redraws++;
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, w, h); // a full clear also drops the canvas's queue of earlier, unrendered commands
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        boolean right = plot.rightTitle() != null;
        double pw = w - LEFT - (right ? RIGHT_WITH_AXIS : RIGHT_BARE);
        double ph = h - TOP - BOTTOM;
        if (pw < 10 || ph < 10) {
            return;
        }
        g.setStroke(Color.gray(0.75));
        g.setLineWidth(1);
        g.strokeRect(LEFT + 0.5, TOP + 0.5, pw, ph);
        g.setFont(Font.font(11));
        double x0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY;
        for (Line l : plot.lines()) {
            int n = l.points().size();
            if (n > 0) {
                x0 = Math.min(x0, l.points().x(0));
                x1 = Math.max(x1, l.points().x(n - 1));
            }
        }
        if (x0 == Double.POSITIVE_INFINITY) {
            g.setFill(Color.gray(0.45));
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(plot.emptyText(), LEFT + pw / 2, TOP + ph / 2);
            return;
        }
        x1 = Math.max(x1, x0 + (plot.integerX() ? 1 : 1e-6));
        int columns = Math.max(2, (int) pw); // one envelope column per pixel column of the plot
        List<float[]> envelopes = new java.util.ArrayList<>(plot.lines().size());
        double[] left = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] rightRange = {0, Double.NEGATIVE_INFINITY};
        for (Line l : plot.lines()) {
            float[] env = envelope(l.points(), x0, x1, columns, plot.log() && !l.rightAxis());
            envelopes.add(env);
            extend(l.rightAxis() ? rightRange : left, env);
        }
        pad(left);
        rightRange[1] = Math.max(1e-12, rightRange[1]) * 1.15; // a constant LR sits below the top edge, not on it
        axes(g, x0, x1, left, rightRange, pw, ph, right);
        int iw = (int) pw - 1; // inside the frame
        int ih = (int) ph - 1;
        if (pixels.length != iw * ih) {
            pixels = new int[iw * ih];
            image = new WritableImage(iw, ih);
        } else {
            Arrays.fill(pixels, 0);
        }
        for (int i = 0; i < envelopes.size(); i++) {
            Line l = plot.lines().get(i);
            rasterize(pixels, iw, ih, envelopes.get(i), l.rightAxis() ? rightRange : left, l.color(),
                    (int) Math.max(1, Math.round(l.width())));
        }
        image.getPixelWriter().setPixels(0, 0, iw, ih, PixelFormat.getIntArgbInstance(), pixels, 0, iw);
        g.drawImage(image, LEFT + 1, TOP + 1);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.setFill(plot.leftColor());
        g.fillText(plot.log() ? plot.leftTitle() + " (log)" : plot.leftTitle(), LEFT + 6, TOP + 4);
        if (right) {
            g.setFill(plot.rightColor());
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText(plot.rightTitle(), LEFT + pw - 6, TOP + 4);
        }
    }

    private static void extend(double[] range, float[] env) {
        for (float v : env) {
            if (!Float.isNaN(v)) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
    }

    private static void pad(double[] range) {
        if (range[0] == Double.POSITIVE_INFINITY) {
            range[0] = 0;
            range[1] = 1;
            return;
        }
        double p = Math.max(1e-9, (range[1] - range[0]) * 0.05);
        range[0] -= p;
        range[1] += p;
    }

    private void axes(GraphicsContext g, double x0, double x1, double[] yr, double[] rr, double pw, double ph,
                      boolean right) {
        g.setFill(Color.gray(0.3));
        g.setStroke(Color.gray(0.92));
        for (int k = 0; k <= 4; k++) {
            double y = TOP + ph - k / 4.0 * ph;
            g.strokeLine(LEFT + 1, y, LEFT + pw - 1, y);
            double v = yr[0] + k / 4.0 * (yr[1] - yr[0]);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(fmt(plot.log() ? Math.pow(10, v) : v), LEFT - 4, y);
            if (right) {
                g.setTextAlign(TextAlignment.LEFT);
                g.fillText(fmt(rr[0] + k / 4.0 * (rr[1] - rr[0])), LEFT + pw + 4, y);
            }
        }
        g.setTextBaseline(VPos.TOP);
        double step = niceStep((x1 - x0) / 5);
        if (plot.integerX()) {
            step = Math.max(1, step);
        }
        for (double v = Math.ceil(x0 / step) * step; v <= x1 + step * 1e-9; v += step) {
            double x = LEFT + (v - x0) / (x1 - x0) * pw;
            g.setTextAlign(x > LEFT + pw - 30 ? TextAlignment.RIGHT : TextAlignment.CENTER);
            g.fillText(plot.integerX() ? String.valueOf(Math.round(v))
                    : String.format(Locale.ROOT, step >= 1 ? "%.0f" : step >= 0.1 ? "%.1f" : "%.2f", v), x,
                    TOP + ph + 4);
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}: tick spacing that reads well (1000, not 999.8). */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e4)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a < 0.1 ? "%.4f" : "%.3f", v);
    }

    /**
     * Rasterizes one envelope into {@code px} (ARGB, {@code w x h}, blended source-over). Each pixel column with
     * points gets a vertical run from its maximum to its minimum (noise and spikes stay visible), and the middles
     * of neighbouring columns with points are joined by a straight line drawn column by column, so sparse data
     * (fewer points than pixels) is a connected line too. Writing pixels directly costs a few milliseconds for
     * four runs of 100,000 points, where stroking the same zigzag paths with the software renderer took hundreds.
     */
    static void rasterize(int[] px, int w, int h, float[] env, double[] yr, Color color, int width) {
        int columns = env.length / 2;
        double scale = (h - 1) / Math.max(1e-12, yr[1] - yr[0]);
        double xScale = (double) (w - 1) / Math.max(1, columns - 1);
        int argb = (int) Math.round(color.getOpacity() * 255) << 24 | (int) Math.round(color.getRed() * 255) << 16
                | (int) Math.round(color.getGreen() * 255) << 8 | (int) Math.round(color.getBlue() * 255);
        int prevX = -1;
        double prevMid = Double.NaN;
        for (int c = 0; c < columns; c++) {
            float lo = env[2 * c];
            if (Float.isNaN(lo)) {
                continue;
            }
            double yLo = (h - 1) - (lo - yr[0]) * scale;
            double yHi = (h - 1) - (env[2 * c + 1] - yr[0]) * scale;
            double mid = (yLo + yHi) / 2;
            int x = (int) Math.round(c * xScale);
            double top = yHi;
            double bottom = yLo;
            if (prevX >= 0 && x > prevX) {
                // the joining line y(t), t in pixels from prevX; each column it crosses gets the part inside it
                double slope = (mid - prevMid) / (x - prevX);
                for (int xi = prevX; xi < x; xi++) {
                    double ya = prevMid + slope * Math.max(0, xi - 0.5 - prevX);
                    double yb = prevMid + slope * (xi + 0.5 - prevX);
                    span(px, w, h, xi, ya, yb, argb, width);
                }
                double edge = prevMid + slope * (x - 0.5 - prevX);
                top = Math.min(top, edge);
                bottom = Math.max(bottom, edge);
            }
            span(px, w, h, x, top, bottom, argb, width);
            prevX = x;
            prevMid = mid;
        }
    }

    /** Blends the pixels of column {@code x} (and {@code width - 1} more) between {@code ya} and {@code yb}. */
    private static void span(int[] px, int w, int h, int x, double ya, double yb, int argb, int width) {
        int y0 = (int) Math.round(Math.min(ya, yb));
        int y1 = (int) Math.round(Math.max(ya, yb));
        if (y1 - y0 < width - 1) { // a flat stretch of a thick line: thick vertically too
            int grow = width - 1 - (y1 - y0);
            y0 -= grow / 2;
            y1 += grow - grow / 2;
        }
        y0 = Math.max(0, y0);
        y1 = Math.min(h - 1, y1);
        int a = argb >>> 24;
        int x0 = x - (width - 1) / 2;
        for (int xx = Math.max(0, x0); xx < Math.min(w, x0 + width); xx++) {
            for (int y = y0; y <= y1; y++) {
                int i = y * w + xx;
                px[i] = over(px[i], a, argb >> 16 & 0xff, argb >> 8 & 0xff, argb & 0xff);
            }
        }
    }

    /** Source-over of a colour with alpha {@code a} onto a non-premultiplied ARGB pixel. */
    private static int over(int dst, int a, int r, int g, int b) {
        if (a == 255) {
            return 0xff000000 | r << 16 | g << 8 | b;
        }
        int da = dst >>> 24;
        int outA = a + da * (255 - a) / 255;
        if (outA == 0) {
            return 0;
        }
        int dr = dst >> 16 & 0xff;
        int dg = dst >> 8 & 0xff;
        int db = dst & 0xff;
        int keep = da * (255 - a) / 255;
        int or = (r * a + dr * keep) / outA;
        int og = (g * a + dg * keep) / outA;
        int ob = (b * a + db * keep) / outA;
        return outA << 24 | or << 16 | og << 8 | ob;
    }
}
