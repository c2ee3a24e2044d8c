package org.lorastudio.ui.compare;

import java.util.Arrays;
import java.util.List;

import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.ValidationCurve;

/**
 * Loss curves as plain arrays, and the pure functions that turn logged points into what a chart draws:
 * alignment (by step or by epoch) and EMA smoothing. Log scale and the per-pixel min/max reduction are the
 * chart's ({@link org.lorastudio.ui.common.CurveCanvas}).
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
        return curve(label, points, align, MetricPoint::loss);
    }

    /** What a validation curve's label ends with (the chart draws it in its own style). */
    public static final String VALIDATION_SUFFIX = " · val";

    /**
     * The validation loss of a run ({@code val_loss} at the steps it was measured, issue 16), on the same x as
     * {@link #raw}; empty when the run logged none.
     */
    public static Curve validation(String label, List<MetricPoint> points, Align align) {
        return curve(label + VALIDATION_SUFFIX, points, align,
                p -> p.extra().get(ValidationCurve.KEY) instanceof Number n ? n.doubleValue() : Double.NaN);
    }

    public static boolean isValidation(Curve c) {
        return c.label().endsWith(VALIDATION_SUFFIX);
    }

    private static Curve curve(String label, List<MetricPoint> points, Align align,
                               java.util.function.ToDoubleFunction<MetricPoint> value) {
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
            double v = value.applyAsDouble(p);
            if (!Double.isFinite(v)) {
                continue;
            }
            x[n] = perEpoch > 0 && p.epoch() > 0
                    ? (p.epoch() - 1) + Math.min(1.0, (p.step() - prevEpochEnd) / perEpoch)
                    : p.step();
            y[n] = v;
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
}
