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
public final class DdpmSampler extends DiscreteTimestepSampler {
    /** @param numSteps inference steps N (T = the full 1000-step chain; fewer strides it like DDIM) */
    public DdpmSampler(NoiseSchedule schedule, int numSteps) {
        super(schedule, numSteps);
    }

    /** Posterior variance β̃_t = (1−ᾱ')/(1−ᾱ)·β_t of the step at {@code stepIndex}, clamped at 1e−20. */
    public float variance(int stepIndex) {
        Alphas a = alphas(stepIndex, 1f);
        float currentBeta = 1f - a.alphaProd() / a.alphaProdPrev();
        return Math.max((1f - a.alphaProdPrev()) / (1f - a.alphaProd()) * currentBeta, 1e-20f);
    }

    @Override
    public NDArray step(NDArray modelOutput, int stepIndex, NDArray sample) {
        Alphas a = alphas(stepIndex, 1f);
        float betaProd = 1f - a.alphaProd();
        float betaProdPrev = 1f - a.alphaProdPrev();
        float currentAlpha = a.alphaProd() / a.alphaProdPrev();
        float currentBeta = 1f - currentAlpha;
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray out = modelOutput.toType(DataType.FLOAT32, false);
        NDArray predX0 = predictOriginal(x, out, a.alphaProd());
        float x0Coef = (float) Math.sqrt(a.alphaProdPrev()) * currentBeta / betaProd;
        float xtCoef = (float) Math.sqrt(currentAlpha) * betaProdPrev / betaProd;
        NDArray prev = predX0.mul(x0Coef).add(x.mul(xtCoef));
        if (a.t() > 0) {
            NDArray z = Noise.like(x);
            prev = prev.add(z.mul((float) Math.sqrt(variance(stepIndex))));
        }
        return prev;
    }
}
