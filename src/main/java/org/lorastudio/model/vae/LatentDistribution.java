package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * diffusers' {@code DiagonalGaussianDistribution}: the encoder posterior N(mean, exp(logvar)) with logvar clamped to
 * [−30, 20]. Latents drawn here are NOT yet multiplied by the scaling factor.
 *
 * @param mean   (B, latent, h, w)
 * @param logvar (B, latent, h, w), clamped
 */
public record LatentDistribution(NDArray mean, NDArray logvar) {
    /** Splits moments (B, 2·latent, h, w) into mean ‖ logvar along the channel axis and clamps logvar. */
    public static LatentDistribution fromMoments(NDArray moments) {
        NDList halves = moments.split(2, 1); // (B, 2L, h, w) -> 2 × (B, L, h, w)
        return new LatentDistribution(halves.get(0), halves.get(1).clip(-30.0f, 20.0f));
    }

    /** exp(½·logvar). */
    public NDArray std() {
        return logvar.mul(0.5f).exp();
    }

    /** mean + std·ε with ε drawn from the engine's generator (seed it with {@code Engine.setRandomSeed}). */
    public NDArray sample() {
        return sample(mean.getManager().randomNormal(mean.getShape(), mean.getDataType()));
    }

    /** mean + std·noise, for a given standard-normal {@code noise} of the mean's shape. */
    public NDArray sample(NDArray noise) {
        return mean.add(std().mul(noise));
    }

    /** The most likely latent: the mean. */
    public NDArray mode() {
        return mean;
    }
}
