package org.lorastudio.ui.train;

import java.util.Locale;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * The live loss chart, drawn on a {@link Canvas}: the raw loss (faint), its EMA (solid) and the learning rate
 * (thin, on its own right-hand scale). Each line is reduced to a min/max per pixel column before drawing, so a
 * redraw costs one pass over the points plus a few thousand line segments, however long the run.
 */
public final class LossCanvas extends Region {
    private static final Color RAW = Color.web("#1f77b4", 0.35);
    private static final Color SMOOTH = Color.web("#1f77b4");
    private static final Color LR = Color.web("#ff7f0e", 0.8);
    private static final double LEFT = 56;
    private static final double RIGHT = 56;
    private static final double TOP = 12;
    private static final double BOTTOM = 26;

    private final Canvas canvas = new Canvas();
    private LossSeries series = new LossSeries();
    private double smoothing = 0.9;
    private boolean logScale;

    public LossCanvas() {
        getChildren().add(canvas);
        setMinSize(200, 120);
        setPrefSize(800, 320);
    }

    /** Sets the data, smoothing (0..0.999) and scale, and redraws. */
    public void show(LossSeries data, double smoothingValue, boolean log) {
        this.series = data;
        this.smoothing = smoothingValue;
        this.logScale = log;
        redraw();
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
     * Per pixel column {@code c} (of {@code columns} spanning steps {@code x0..x1}): {@code out[2c]} the minimum and
     * {@code out[2c+1]} the maximum of {@code values} (NaN where the column has no point). With {@code log} the
     * values are log10'd and non-positive ones skipped.
     */
    static float[] envelope(int[] steps, float[] values, int n, double x0, double x1, int columns, boolean log) {
        float[] out = new float[columns * 2];
        java.util.Arrays.fill(out, Float.NaN);
        double span = Math.max(1e-9, x1 - x0);
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if (log) {
                if (!(v > 0)) {
                    continue;
                }
                v = (float) Math.log10(v);
            }
            if (!Float.isFinite(v)) {
                continue;
            }
            int c = (int) Math.min(columns - 1, Math.max(0, (steps[i] - x0) / span * (columns - 1) + 0.5));
            float lo = out[2 * c];
            if (Float.isNaN(lo) || v < lo) {
                out[2 * c] = v;
            }
            float hi = out[2 * c + 1];
            if (Float.isNaN(hi) || v > hi) {
                out[2 * c + 1] = v;
            }
        }
        return out;
    }

    /** Draws everything again (cheap; called on each new batch of points). */
    public void redraw() {
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double pw = w - LEFT - RIGHT;
        double ph = h - TOP - BOTTOM;
        if (pw < 10 || ph < 10) {
            return;
        }
        g.setStroke(Color.gray(0.75));
        g.setLineWidth(1);
        g.strokeRect(LEFT + 0.5, TOP + 0.5, pw, ph);
        g.setFont(Font.font(11));
        int n = series.size();
        if (n == 0) {
            g.setFill(Color.gray(0.45));
            g.setTextAlign(TextAlignment.CENTER);
            g.setTextBaseline(VPos.CENTER);
            g.fillText("The loss appears here once training starts.", LEFT + pw / 2, TOP + ph / 2);
            return;
        }
        int columns = Math.max(2, (int) pw);
        int[] steps = series.stepsArray();
        double x0 = steps[0];
        double x1 = Math.max(x0 + 1, steps[n - 1]);
        float[] raw = envelope(steps, series.lossArray(), n, x0, x1, columns, logScale);
        float[] smooth = envelope(steps, series.ema(smoothing), n, x0, x1, columns, logScale);
        float[] lr = envelope(steps, series.lrArray(), n, x0, x1, columns, false);
        double[] yr = range(raw);
        double[] lrr = range(lr);
        lrr[0] = Math.min(0, lrr[0]);
        lrr[1] = Math.max(1e-12, lrr[1]) * 1.15; // a constant LR sits below the top edge, not on it
        axes(g, x0, x1, yr, lrr, pw, ph);
        plot(g, raw, yr, pw, ph, RAW, 1.0);
        plot(g, smooth, yr, pw, ph, SMOOTH, 2.0);
        plot(g, lr, lrr, pw, ph, LR, 0.8);
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.setFill(SMOOTH);
        g.fillText(logScale ? "loss (log)" : "loss", LEFT + 6, TOP + 4);
        g.setFill(LR);
        g.setTextAlign(TextAlignment.RIGHT);
        g.fillText("learning rate", LEFT + pw - 6, TOP + 4);
    }

    private static double[] range(float[] env) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (float v : env) {
            if (!Float.isNaN(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo == Double.POSITIVE_INFINITY) {
            return new double[] {0, 1};
        }
        double pad = Math.max(1e-9, (hi - lo) * 0.05);
        return new double[] {lo - pad, hi + pad};
    }

    private void axes(GraphicsContext g, double x0, double x1, double[] yr, double[] lrr, double pw, double ph) {
        g.setFill(Color.gray(0.3));
        g.setStroke(Color.gray(0.92));
        for (int k = 0; k <= 4; k++) {
            double y = TOP + ph - k / 4.0 * ph;
            g.strokeLine(LEFT + 1, y, LEFT + pw - 1, y);
            double v = yr[0] + k / 4.0 * (yr[1] - yr[0]);
            g.setTextAlign(TextAlignment.RIGHT);
            g.setTextBaseline(VPos.CENTER);
            g.fillText(fmt(logScale ? Math.pow(10, v) : v), LEFT - 4, y);
            double l = lrr[0] + k / 4.0 * (lrr[1] - lrr[0]);
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(fmt(l), LEFT + pw + 4, y);
        }
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        for (int k = 0; k <= 5; k++) {
            double x = LEFT + k / 5.0 * pw;
            g.fillText(String.valueOf(Math.round(x0 + k / 5.0 * (x1 - x0))), x, TOP + ph + 4);
        }
        
    }

    private static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e4)) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return String.format(Locale.ROOT, a < 0.1 ? "%.4f" : "%.3f", v);
    }

    private static void plot(GraphicsContext g, float[] env, double[] yr, double pw, double ph, Color color,
                             double width) {
        g.setStroke(color);
        g.setLineWidth(width);
        int columns = env.length / 2;
        double scale = ph / Math.max(1e-12, yr[1] - yr[0]);
        boolean first = true;
        g.beginPath();
        for (int c = 0; c < columns; c++) {
            float lo = env[2 * c];
            if (Float.isNaN(lo)) {
                continue;
            }
            float hi = env[2 * c + 1];
            double x = LEFT + (columns == 1 ? 0 : c * pw / (columns - 1));
            double yLo = TOP + ph - (lo - yr[0]) * scale;
            double yHi = TOP + ph - (hi - yr[0]) * scale;
            if (first) {
                g.moveTo(x, yLo);
                first = false;
            } else {
                g.lineTo(x, yLo);
            }
            if (yHi != yLo) {
                g.lineTo(x, yHi);
            }
        }
        g.stroke();
    }
}
