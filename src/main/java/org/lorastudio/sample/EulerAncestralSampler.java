package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.sample.SchedulerConfig.TimestepSpacing;

/**
 * Euler ancestral sampling in the σ parameterisation of Karras et al. 2022 / k-diffusion
 * {@code sample_euler_ancestral}, as diffusers' {@code EulerAncestralDiscreteScheduler} (v0.26).
 *
 * <p>σ_t = √((1−ᾱ_t)/ᾱ_t) from the training table, linearly interpolated at the (float) inference timesteps, with a
 * final σ = 0 appended. Per step, from σ to σ':
 * <pre>
 *   model input = x / √(σ²+1);   x̂0 = x − σ·ε   (v: x̂0 = v·(−σ/√(σ²+1)) + x/(σ²+1))
 *   σ_up = √(σ'²(σ²−σ'²)/σ²);    σ_down = √(σ'² − σ_up²)
 *   x' = x + (x − x̂0)/σ · (σ_down − σ) + z·σ_up,   z ~ N(0, I) drawn at every step (as diffusers)
 * </pre>
 * Start: x_T = z·σ_max for linspace/trailing spacing, z·√(σ_max²+1) for leading (diffusers' {@code init_noise_sigma}).
 * The reference configs usually pair this sampler with {@code timestep_spacing = "linspace"}
 * (see {@link SchedulerConfig#withTimestepSpacing}); SD1.5's own file says "leading", which diffusers also honours.
 */
public final class EulerAncestralSampler implements Sampler {
    private final SchedulerConfig config;
    private final float[] timesteps;
    /** σ at each inference step plus a trailing 0: N + 1 values, float32. */
    private final float[] sigmas;

    public EulerAncestralSampler(NoiseSchedule schedule, int numSteps) {
        this.config = schedule.config();
        this.timesteps = Timesteps.continuous(config, numSteps);
        this.sigmas = interpolatedSigmas(schedule.sigmas(), timesteps);
    }

    /**
     * {@code np.interp(timesteps, arange(T), sigma_table)} in float64, then float32, with σ = 0 appended.
     */
    static float[] interpolatedSigmas(float[] table, float[] timesteps) {
        float[] out = new float[timesteps.length + 1];
        for (int i = 0; i < timesteps.length; i++) {
            double x = timesteps[i];
            int j = (int) Math.floor(x);
            if (j >= table.length - 1) {
                out[i] = table[table.length - 1];
            } else if (j < 0) {
                out[i] = table[0];
            } else {
                double slope = (double) table[j + 1] - table[j];
                out[i] = (float) (slope * (x - j) + table[j]);
            }
        }
        out[timesteps.length] = 0f;
        return out;
    }

    /** σ at each step, with the final 0 (N + 1 values). */
    public float[] sigmas() {
        return sigmas.clone();
    }

    @Override
    public float[] timesteps() {
        return timesteps.clone();
    }

    @Override
    public int numSteps() {
        return timesteps.length;
    }

    @Override
    public float initNoiseSigma() {
        float max = 0f;
        for (float s : sigmas) {
            max = Math.max(max, s);
        }
        return config.timestepSpacing() == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1f) : max;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int stepIndex) {
        float sigma = sigmas[stepIndex];
        return sample.div((float) Math.sqrt(sigma * sigma + 1f));
    }

    @Override
    public NDArray step(NDArray modelOutput, int stepIndex, NDArray sample) {
        float sigma = sigmas[stepIndex];
        float sigmaNext = sigmas[stepIndex + 1];
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray out = modelOutput.toType(DataType.FLOAT32, false);
        NDArray predX0 = switch (config.predictionType()) {
            case EPSILON -> x.sub(out.mul(sigma));
            case V_PREDICTION -> out.mul(-sigma / (float) Math.sqrt(sigma * sigma + 1f))
                    .add(x.div(sigma * sigma + 1f));
        };
        float s2 = sigma * sigma;
        float n2 = sigmaNext * sigmaNext;
        float sigmaUp = (float) Math.sqrt(n2 * (s2 - n2) / s2);
        float sigmaDown = (float) Math.sqrt(Math.max(0f, n2 - sigmaUp * sigmaUp)); // ≥ 0 up to rounding
        NDArray derivative = x.sub(predX0).div(sigma);
        NDArray prev = x.add(derivative.mul(sigmaDown - sigma));
        NDArray z = Noise.like(x);
        return prev.add(z.mul(sigmaUp));
    }
}
