package org.lorastudio.ui.train;

import java.util.Arrays;

/**
 * The loss and learning-rate history of one run in primitive arrays (no boxing, so 100,000 steps cost ~1.2 MB),
 * with a cached exponential moving average for the smoothed line. Touched only on the FX thread (or the test
 * thread).
 */
public final class LossSeries {
    private int[] steps = new int[1024];
    private float[] loss = new float[1024];
    private float[] lr = new float[1024];
    private float[] ema = new float[1024];
    private int size;
    private int emaValid;
    private double emaSmoothing = -1;
    /** The validation loss (issue 16): a sparse series of its own, at the steps it was measured. */
    private int[] valSteps = new int[64];
    private float[] valLoss = new float[64];
    private int valSize;

    /** Appends one step. */
    public void add(int step, double lossValue, double lrValue) {
        if (size == steps.length) {
            int cap = size * 2;
            steps = Arrays.copyOf(steps, cap);
            loss = Arrays.copyOf(loss, cap);
            lr = Arrays.copyOf(lr, cap);
            ema = Arrays.copyOf(ema, cap);
        }
        steps[size] = step;
        loss[size] = (float) lossValue;
        lr[size] = (float) lrValue;
        size++;
    }

    /** Forgets the points at {@code step} and later (the tail a resumed run trains again); steps ascend. */
    public void truncateFrom(int step) {
        int n = size;
        while (n > 0 && steps[n - 1] >= step) {
            n--;
        }
        if (n != size) {
            size = n;
            emaValid = Math.min(emaValid, n);
        }
        while (valSize > 0 && valSteps[valSize - 1] >= step) {
            valSize--;
        }
    }

    /** Appends a validation loss measured after {@code step}; steps ascend. */
    public void addValidation(int step, double lossValue) {
        if (valSize == valSteps.length) {
            valSteps = Arrays.copyOf(valSteps, valSize * 2);
            valLoss = Arrays.copyOf(valLoss, valSize * 2);
        }
        valSteps[valSize] = step;
        valLoss[valSize] = (float) lossValue;
        valSize++;
    }

    public int validationSize() {
        return valSize;
    }

    public int validationStep(int i) {
        return valSteps[i];
    }

    public float validationLoss(int i) {
        return valLoss[i];
    }

    int[] validationStepsArray() {
        return valSteps;
    }

    float[] validationLossArray() {
        return valLoss;
    }

    /** Forgets every point. */
    public void clear() {
        size = 0;
        emaValid = 0;
        valSize = 0;
    }

    public int size() {
        return size;
    }

    public int step(int i) {
        return steps[i];
    }

    public float loss(int i) {
        return loss[i];
    }

    public float lr(int i) {
        return lr[i];
    }

    int[] stepsArray() {
        return steps;
    }

    float[] lossArray() {
        return loss;
    }

    float[] lrArray() {
        return lr;
    }

    /**
     * The bias-corrected EMA of the loss (TensorBoard's smoothing): {@code smoothing} 0 is the raw curve, 0.99 very
     * smooth. Only points added since the last call (or all, after a smoothing change) are written; the running
     * state is replayed, which is O(n) but well under a millisecond for 100,000 points.
     */
    public float[] ema(double smoothing) {
        if (smoothing != emaSmoothing) {
            emaSmoothing = smoothing;
            emaValid = 0;
        }
        double last = 0;
        double debias = 1;
        for (int i = 0; i < size; i++) {
            float v = loss[i];
            if (Float.isFinite(v)) {
                last = last * smoothing + (1 - smoothing) * v;
                debias *= smoothing;
            }
            if (i >= emaValid) {
                ema[i] = debias >= 1 ? v : (float) (last / (1 - debias));
            }
        }
        emaValid = size;
        return ema;
    }
}
