package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * DDIM (Song et al. 2020, eq. 12), as diffusers' {@code DDIMScheduler.step} (v0.26) with
 * {@code use_clipped_model_output=False} and no thresholding.
 *
 * <p>With t the current and t' = t − T//N the previous timestep, ᾱ' = ᾱ[t'] (or ᾱ_0 / 1 per
 * {@code set_alpha_to_one} when t' &lt; 0):
 * <pre>
 *   x̂0 = (x − √(1−ᾱ)·ε) / √ᾱ                       (ε-prediction; v: x̂0 = √ᾱ·x − √(1−ᾱ)·v, ε = √ᾱ·v + √(1−ᾱ)·x)
 *   σ  = η · √((1−ᾱ')/(1−ᾱ) · (1 − ᾱ/ᾱ'))
 *   x' = √ᾱ'·x̂0 + √(1−ᾱ'−σ²)·ε + σ·z,  z ~ N(0, I) drawn only when η &gt; 0
 * </pre>
 * Scalars are float32 and the tensor expressions keep diffusers' operation order, so results match to float32
 * rounding.
 */
public final class DdimSampler extends DiscreteTimestepSampler {
    private final float eta;
    private final float finalAlphaCumprod;

    /**
     * @param schedule the training schedule (its config supplies spacing, steps_offset, set_alpha_to_one, clipping
     *                 and the prediction type)
     * @param numSteps inference steps N
     * @param eta      η ∈ [0, 1]: 0 = deterministic DDIM, 1 = DDPM-like variance
     */
    public DdimSampler(NoiseSchedule schedule, int numSteps, float eta) {
        super(schedule, numSteps);
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("DDIM eta must be in [0, 1], found " + eta);
        }
        this.eta = eta;
        this.finalAlphaCumprod = schedule.config().setAlphaToOne() ? 1.0f : schedule.alphaCumprod(0);
    }

    /** Deterministic DDIM (η = 0), as the SD1.5 pipeline runs it. */
    public DdimSampler(NoiseSchedule schedule, int numSteps) {
        this(schedule, numSteps, 0f);
    }

    /** The integer timesteps (SD1.5, N = 10: 901, 801, …, 1). */
    public long[] integerTimesteps() {
        return timesteps.clone();
    }

    @Override
    public NDArray step(NDArray modelOutput, int stepIndex, NDArray sample) {
        Alphas a = alphas(stepIndex, finalAlphaCumprod);
        float alphaProd = a.alphaProd();
        float alphaProdPrev = a.alphaProdPrev();
        float betaProd = 1f - alphaProd;
        NDArray x = sample.toType(DataType.FLOAT32, false);
        NDArray out = modelOutput.toType(DataType.FLOAT32, false);
        NDArray predX0 = predictOriginal(x, out, alphaProd);
        NDArray predEps = switch (schedule.config().predictionType()) {
            case EPSILON -> out;
            case V_PREDICTION -> out.mul((float) Math.sqrt(alphaProd)).add(x.mul((float) Math.sqrt(betaProd)));
        };
        float betaProdPrev = 1f - alphaProdPrev;
        float variance = (betaProdPrev / betaProd) * (1f - alphaProd / alphaProdPrev);
        float stdDev = eta * (float) Math.sqrt(variance);
        float dirCoef = (float) Math.sqrt(1f - alphaProdPrev - stdDev * stdDev);
        NDArray prevSample = predX0.mul((float) Math.sqrt(alphaProdPrev)).add(predEps.mul(dirCoef));
        if (eta > 0) {
            NDArray z = Noise.like(x);
            prevSample = prevSample.add(z.mul(stdDev));
        }
        return prevSample;
    }
}
