package org.lorastudio.sample;

import org.lorastudio.sample.SchedulerConfig.TimestepSpacing;
import org.lorastudio.util.UserException;

/**
 * Inference timestep selection shared by the samplers (the {@code set_timesteps} methods of diffusers'
 * {@code DDIMScheduler}, {@code DDPMScheduler} and {@code EulerAncestralDiscreteScheduler}, v0.26). Pure functions.
 */
final class Timesteps {
    private Timesteps() {
    }

    /**
     * Integer timesteps for DDIM / DDPM, in the order they are visited (descending).
     * <ul>
     *   <li>leading: (k·(T//N)) for k = N−1..0, + steps_offset — SD1.5, N = 10: 901, 801, …, 1</li>
     *   <li>linspace: round(linspace(0, T−1, N)) reversed (numpy rounds half to even)</li>
     *   <li>trailing: round(arange(T, 0, −T/N)) − 1</li>
     * </ul>
     */
    static long[] discrete(SchedulerConfig c, int numSteps) {
        double[] t = spaced(c, numSteps);
        long[] out = new long[numSteps];
        for (int i = 0; i < numSteps; i++) {
            out[i] = (long) t[i];
            if (out[i] < 0 || out[i] >= c.numTrainTimesteps()) {
                throw new UserException(numSteps + " steps with " + c.timestepSpacing().jsonName()
                        + " spacing and steps_offset " + c.stepsOffset() + " give timestep " + out[i]
                        + ", outside 0.." + (c.numTrainTimesteps() - 1) + "; use fewer steps");
            }
        }
        return out;
    }

    /**
     * The same selection before the cast to integers, as {@code EulerAncestralDiscreteScheduler} keeps it (float32;
     * with linspace spacing the values are not whole: 999, 888, 777, … for N = 10).
     */
    static float[] continuous(SchedulerConfig c, int numSteps) {
        int tTrain = c.numTrainTimesteps();
        float[] out = new float[numSteps];
        if (c.timestepSpacing() == TimestepSpacing.LINSPACE) {
            // np.linspace(0, T-1, N, dtype=float32)[::-1]: computed in float64, rounded to float32
            double[] lin = numpyLinspace(0, tTrain - 1, numSteps);
            for (int i = 0; i < numSteps; i++) {
                out[i] = (float) lin[numSteps - 1 - i];
            }
            return out;
        }
        double[] t = spaced(c, numSteps);
        for (int i = 0; i < numSteps; i++) {
            out[i] = (float) t[i];
        }
        return out;
    }

    private static double[] spaced(SchedulerConfig c, int numSteps) {
        int tTrain = c.numTrainTimesteps();
        if (numSteps < 1 || numSteps > tTrain) {
            throw new UserException("number of sampling steps must be 1.." + tTrain + ", found " + numSteps);
        }
        double[] out = new double[numSteps];
        switch (c.timestepSpacing()) {
            case LEADING -> {
                int ratio = tTrain / numSteps;
                for (int i = 0; i < numSteps; i++) {
                    out[i] = (double) (numSteps - 1 - i) * ratio + c.stepsOffset();
                }
            }
            case LINSPACE -> {
                double[] lin = numpyLinspace(0, tTrain - 1, numSteps);
                for (int i = 0; i < numSteps; i++) {
                    out[i] = Math.rint(lin[numSteps - 1 - i]);
                }
            }
            case TRAILING -> {
                // np.arange(T, 0, -T/N) has N elements: T - i·(T/N), i = 0..N-1
                double ratio = (double) tTrain / numSteps;
                for (int i = 0; i < numSteps; i++) {
                    out[i] = Math.rint(tTrain - i * ratio) - 1;
                }
            }
            default -> throw new IllegalStateException();
        }
        return out;
    }

    /** {@code numpy.linspace(start, stop, n)} in float64: start + i·step, with the last element exactly stop. */
    static double[] numpyLinspace(double start, double stop, int n) {
        double[] out = new double[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        double step = (stop - start) / (n - 1);
        for (int i = 0; i < n; i++) {
            out[i] = start + i * step;
        }
        out[n - 1] = stop;
        return out;
    }
}
