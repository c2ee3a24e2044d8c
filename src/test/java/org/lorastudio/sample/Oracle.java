package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;
import org.lorastudio.sample.SchedulerConfig.PredictionType;

/** A perfect denoiser for tests: knows x0 and returns the exact ε or v for a VP-space input at ᾱ. */
final class Oracle {
    private Oracle() {
    }

    /** Output for the VP-space input u = √ᾱ·x0 + √(1−ᾱ)·ε at training timestep t. */
    static NDArray output(NoiseSchedule s, PredictionType type, NDArray u, NDArray x0, int t) {
        return forAlpha(s.alphaCumprod(t), type, u, x0);
    }

    static NDArray forAlpha(float alphaCumprod, PredictionType type, NDArray u, NDArray x0) {
        float a = (float) Math.sqrt(alphaCumprod);
        float b = (float) Math.sqrt(1 - alphaCumprod);
        NDArray eps = u.sub(x0.mul(a)).div(b);
        return type == PredictionType.EPSILON ? eps : eps.mul(a).sub(x0.mul(b));
    }
}
