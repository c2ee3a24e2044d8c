package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Ancestral DDPM sampling (Ho et al. 2020, eqs. 6–7) over a possibly strided set of timesteps, as diffusers'
 * {@code DDPMScheduler.step} (v0.26) with {@code variance_type = "fixed_small"} and no thresholding.
 *
 * <p>With t' = t − T//N (ᾱ' = 1 when t' &lt; 0), α_t = ᾱ/ᾱ', β_t = 1 − α_t:
 * <pre>
 *   x̂0 = (x − √(1−ᾱ)·ε)/√ᾱ        (v: x̂0 = √ᾱ·x − √(1−ᾱ)·v), clamped to ±clip_sample_range if clip_sample
 *   μ  = (√ᾱ'·β_t/(1−ᾱ))·x̂0 + (√α_t·(1−ᾱ')/(1−ᾱ))·x
 *   x' = μ + √max(β_t·(1−ᾱ')/(1−ᾱ), 1e−20)·z   for t &gt; 0 (no noise at t = 0)
 * </pre>
 */
public final class DdpmSampler implements Sampler {
    private final NoiseSchedule schedule;
    private final long[] timesteps;

    /** @param numSteps inference steps N (T = the full 1000-step chain; fewer strides it like DDIM) */
    public DdpmSampler(NoiseSchedule schedule, int numSteps) {
        this.schedule = schedule;
        this.timesteps = Timesteps.discrete(schedule.config(), numSteps);
    }

    @Override
    public float[] timesteps() {
        float[] out = new float[timesteps.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = timesteps[i];
        }
        return out;
    }

    @Override
    public int numSteps() {
        return timesteps.length;
    }

    @Override
    public float initNoiseSigma() {
        return 1f;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int stepIndex) {
        return sample;
    }

    /** Posterior variance β̃_t = (1−ᾱ')/(1−ᾱ)·β_t of the step at {@code stepIndex}, clamped at 1e−20. */
    public float variance(int stepIndex) {
        Coefficients c = coefficients(stepIndex);
        return Math.max((1f - c.alphaProdPrev) / (1f - c.alphaProd) * c.currentBeta, 1e-20f);
    }

    private record Coefficients(int t, float alphaProd, float alphaProdPrev, float currentBeta) {
    }

    private Coefficients coefficients(int stepIndex) {
        int t = (int) timesteps[stepIndex];
        int prev = t - schedule.numTrainTimesteps() / timesteps.length;
        float alphaProd = schedule.alphaCumprod(t);
        float alphaProdPrev = prev >= 0 ? schedule.alphaCumprod(prev) : 1f;
        return new Coefficients(t, alphaProd, alphaProdPrev, 1f - alphaProd / alphaProdPrev);
    }

    @Override
    public NDArray step(NDArray modelOutput, int stepIndex, NDArray sample) {
        SchedulerConfig config = schedule.config();
        Coefficients c = coefficients(stepIndex);
        float betaProd = 1f - c.alphaProd;
        float betaProdPrev = 1f - c.alphaProdPrev;
        float currentAlpha = c.alphaProd / c.alphaProdPrev;
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray out = modelOutput.toType(DataType.FLOAT32, false);
        NDArray predX0 = switch (config.predictionType()) {
            case EPSILON -> x.sub(out.mul((float) Math.sqrt(betaProd))).div((float) Math.sqrt(c.alphaProd));
            case V_PREDICTION -> x.mul((float) Math.sqrt(c.alphaProd)).sub(out.mul((float) Math.sqrt(betaProd)));
        };
        if (config.clipSample()) {
            float r = (float) config.clipSampleRange();
            predX0 = predX0.clip(-r, r);
        }
        float x0Coef = (float) Math.sqrt(c.alphaProdPrev) * c.currentBeta / betaProd;
        float xtCoef = (float) Math.sqrt(currentAlpha) * betaProdPrev / betaProd;
        NDArray prev = predX0.mul(x0Coef).add(x.mul(xtCoef));
        if (c.t > 0) {
            NDArray z = Noise.like(x);
            prev = prev.add(z.mul((float) Math.sqrt(variance(stepIndex))));
        }
        return prev;
    }
}
