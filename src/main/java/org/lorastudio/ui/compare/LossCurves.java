package org.lorastudio.ui.compare;

import java.util.Arrays;
import java.util.List;

import org.lorastudio.run.MetricPoint;

/**
 * Loss curves as plain arrays, and the pure functions that turn logged points into what a chart draws:
 * alignment (by step or by epoch), EMA smoothing, log scale and min/max decimation.
 */
public final class LossCurves {
    /** What the x axis counts. */
    public enum Align {
        STEP("Step"), EPOCH("Epoch");

        private final String label;

        Align(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One curve: finite points only, x ascending.
     *
     * @param label legend text
     * @param x x values
     * @param y y values (same length)
     */
    public record Curve(String label, double[] x, double[] y) {
        public Curve {
            if (x.length != y.length) {
                throw new IllegalArgumentException(x.length + " x values for " + y.length + " y values");
            }
        }

        public int size() {
            return x.length;
        }
    }

    /** The chart's point budget per series: more cannot be seen on a screen a few thousand pixels wide. */
    public static final int MAX_POINTS = 1000;

    private LossCurves() {
    }

    /**
     * The raw loss curve of a run. By step, x is the optimizer step. By epoch, x is the epoch in fractions:
     * a point at step s of epoch e is at {@code (e - 1) + (s - end(e - 1)) / stepsPerEpoch}, where
     * {@code end(e - 1)} is the last step of the previous epoch and {@code stepsPerEpoch} is taken from the first
     * complete epoch, so runs with different batch sizes line up at epoch boundaries. Points without an epoch
     * (older logs) fall back to steps. Non-finite losses (a diverged run) are left out.
     */
    public static Curve raw(String label, List<MetricPoint> points, Align align) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        int n = 0;
        double perEpoch = align == Align.EPOCH ? stepsPerEpoch(points) : 0;
        double prevEpochEnd = 0;
        long lastStep = 0;
        int epoch = Integer.MIN_VALUE;
        for (MetricPoint p : points) {
            if (p.epoch() != epoch) {
                prevEpochEnd = epoch == Integer.MIN_VALUE ? (p.epoch() - 1) * perEpoch : lastStep;
                epoch = p.epoch();
            }
            lastStep = p.step();
            if (!Double.isFinite(p.loss())) {
                continue;
            }
            x[n] = perEpoch > 0 && p.epoch() > 0
                    ? (p.epoch() - 1) + Math.min(1.0, (p.step() - prevEpochEnd) / perEpoch)
                    : p.step();
            y[n] = p.loss();
            n++;
        }
        return new Curve(label, Arrays.copyOf(x, n), Arrays.copyOf(y, n));
    }

    /**
     * Steps in one epoch, from the first epoch in the log: its last step divided by its number (a log that
     * starts at epoch 1 gives the last step of epoch 1). 0 when the log has no epochs.
     */
    static double stepsPerEpoch(List<MetricPoint> points) {
        if (points.isEmpty() || points.get(0).epoch() <= 0) {
            return 0;
        }
        int first = points.get(0).epoch();
        long end = 0;
        for (MetricPoint p : points) {
            if (p.epoch() != first) {
                break;
            }
            end = p.step();
        }
        return Math.max(1.0, (double) end / first);
    }

    /**
     * Exponential moving average as TensorBoard draws it: {@code s = w * s + (1 - w) * y}, debiased by
     * {@code 1 - w^n} so the curve does not start at zero. {@code weight} 0 returns a copy; it must be in [0, 1).
     */
    public static double[] ema(double[] y, double weight) {
        if (weight < 0 || weight >= 1) {
            throw new IllegalArgumentException("smoothing must be in [0, 1), found " + weight);
        }
        double[] out = new double[y.length];
        double last = 0;
        double debias = 1;
        for (int i = 0; i < y.length; i++) {
            last = weight * last + (1 - weight) * y[i];
            debias *= weight;
            out[i] = weight == 0 ? y[i] : last / (1 - debias);
        }
        return out;
    }

    /** The curve smoothed by {@link #ema}. */
    public static Curve smooth(Curve c, double weight) {
        return new Curve(c.label(), c.x(), ema(c.y(), weight));
    }

    /** log10 of y; points with y ≤ 0 cannot be drawn on a log scale and are left out. */
    public static Curve log10(Curve c) {
        double[] x = new double[c.size()];
        double[] y = new double[c.size()];
        int n = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.y()[i] > 0) {
                x[n] = c.x()[i];
                y[n] = Math.log10(c.y()[i]);
                n++;
            }
        }
        return new Curve(c.label(), Arrays.copyOf(x, n), Arrays.copyOf(y, n));
    }

    /**
     * At most {@code maxPoints} points that draw like the whole curve: the first and last point, and between them
     * the x range cut into {@code (maxPoints - 2) / 2} buckets that each keep their lowest and highest point, in
     * x order, so spikes survive (an average would hide a diverging step). Small curves are returned as they are.
     */
    public static Curve decimate(Curve c, int maxPoints) {
        int n = c.size();
        if (n <= maxPoints || maxPoints < 4) {
            return c;
        }
        // the first and last points are kept so the x range stays exact; the rest go into buckets
        int buckets = (maxPoints - 2) / 2;
        double[] cx = c.x();
        double[] cy = c.y();
        double x0 = cx[1];
        double span = cx[n - 2] - x0;
        double[] ox = new double[maxPoints];
        double[] oy = new double[maxPoints];
        ox[0] = cx[0];
        oy[0] = cy[0];
        int out = 1;
        int i = 1;
        for (int b = 0; b < buckets && i < n - 1; b++) {
            double limit = b == buckets - 1 ? Double.POSITIVE_INFINITY : x0 + span * (b + 1) / buckets;
            int lo = -1;
            int hi = -1;
            for (; i < n - 1 && cx[i] < limit; i++) {
                if (lo < 0 || cy[i] < cy[lo]) {
                    lo = i;
                }
                if (hi < 0 || cy[i] > cy[hi]) {
                    hi = i;
                }
            }
            if (lo < 0) {
                continue;
            }
            int first = Math.min(lo, hi);
            int second = Math.max(lo, hi);
            ox[out] = cx[first];
            oy[out++] = cy[first];
            if (second != first) {
                ox[out] = cx[second];
                oy[out++] = cy[second];
            }
        }
        ox[out] = cx[n - 1];
        oy[out++] = cy[n - 1];
        return new Curve(c.label(), Arrays.copyOf(ox, out), Arrays.copyOf(oy, out));
    }

    /**
     * What the chart shows for one run: the raw curve and, when {@code smoothing > 0}, the smoothed one, each in
     * log scale if asked and decimated to {@link #MAX_POINTS}. Smoothing runs on the full curve, before
     * decimation, and before the log (as TensorBoard does).
     */
    public static List<Curve> forChart(Curve raw, double smoothing, boolean log) {
        Curve r = log ? log10(raw) : raw;
        if (smoothing <= 0) {
            return List.of(decimate(r, MAX_POINTS));
        }
        Curve s = smooth(raw, smoothing);
        return List.of(decimate(r, MAX_POINTS), decimate(log ? log10(s) : s, MAX_POINTS));
    }
}
