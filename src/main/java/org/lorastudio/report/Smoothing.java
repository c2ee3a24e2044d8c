package org.lorastudio.report;

/**
 * Loss smoothing as pure functions. Per-step diffusion loss is very noisy (it depends on the random timestep), so
 * "final loss" and "minimum loss" of the raw values say more about luck than about training; the studio reports
 * an exponential moving average instead and says so.
 */
public final class Smoothing {
    /**
     * The factor used everywhere a loss is reported as smoothed ({@code EMA 0.9}): each point counts 10 %,
     * so about the last 20 logged points shape the value.
     */
    public static final double DEFAULT_BETA = 0.9;

    private Smoothing() {
    }

    /**
     * Exponential moving average with TensorBoard's debiasing: {@code s_t = β·s_{t-1} + (1-β)·x_t}, reported as
     * {@code s_t / (1-β^n)} where {@code n} counts the finite values so far. Without debiasing the first points
     * would be pulled towards zero. NaN and infinite values are skipped (the previous smoothed value is repeated,
     * NaN before the first finite one), so one diverged step does not poison the whole curve.
     *
     * @param values raw values
     * @param beta smoothing factor in [0, 1); 0 returns the values unchanged
     */
    public static double[] ema(double[] values, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1), found " + beta);
        }
        double[] out = new double[values.length];
        double acc = 0;
        double weight = 1;
        int n = 0;
        for (int i = 0; i < values.length; i++) {
            double x = values[i];
            if (Double.isFinite(x)) {
                acc = beta * acc + (1 - beta) * x;
                weight *= beta;
                n++;
            }
            out[i] = n == 0 ? Double.NaN : acc / (1 - weight);
        }
        return out;
    }
}
