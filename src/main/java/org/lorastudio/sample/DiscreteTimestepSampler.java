package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;

/**
 * What DDIM and DDPM share: a strided set of the training chain's integer timesteps, no input scaling, unit initial
 * noise, the pair ᾱ_t / ᾱ_{t'} of a step (t' = t − T//N) and the model's estimate of the clean sample x̂0 (from ε or v,
 * clamped when the config says {@code clip_sample}). The update rule itself is each subclass's.
 */
abstract class DiscreteTimestepSampler implements Sampler {
    protected final NoiseSchedule schedule;
    protected final long[] timesteps;

    DiscreteTimestepSampler(NoiseSchedule schedule, int numSteps) {
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

    /** ᾱ at a step's timestep t and at t' = t − T//N ({@code beforeStart} when t' &lt; 0). */
    protected record Alphas(int t, float alphaProd, float alphaProdPrev) {
    }

    protected Alphas alphas(int stepIndex, float beforeStart) {
        int t = (int) timesteps[stepIndex];
        int prev = t - schedule.numTrainTimesteps() / timesteps.length;
        return new Alphas(t, schedule.alphaCumprod(t), prev >= 0 ? schedule.alphaCumprod(prev) : beforeStart);
    }

    /**
     * x̂0 = (x − √(1−ᾱ)·ε)/√ᾱ for ε-prediction, √ᾱ·x − √(1−ᾱ)·v for v-prediction, clamped to ±clip_sample_range when
     * configured; float32 scalars in diffusers' operation order.
     */
    protected NDArray predictOriginal(NDArray x, NDArray modelOutput, float alphaProd) {
        SchedulerConfig c = schedule.config();
        float sqrtAlpha = (float) Math.sqrt(alphaProd);
        float sqrtBeta = (float) Math.sqrt(1f - alphaProd);
        NDArray predX0 = switch (c.predictionType()) {
            case EPSILON -> x.sub(modelOutput.mul(sqrtBeta)).div(sqrtAlpha);
            case V_PREDICTION -> x.mul(sqrtAlpha).sub(modelOutput.mul(sqrtBeta));
        };
        if (c.clipSample()) {
            float r = (float) c.clipSampleRange();
            predX0 = predX0.clip(-r, r);
        }
        return predX0;
    }
}
