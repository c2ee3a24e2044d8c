package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;

/**
 * The denoising network as the sampling loop sees it (the UNet in SD), so the loop can be built and tested without
 * the real model: {@code (latents [B, 4, h, w], timestep, context [B, L, D]) -> output [B, 4, h, w]} (ε or v, per the
 * scheduler's prediction type).
 *
 * <p>The result should be attached to the manager of {@code latents} (DJL's default when the computation starts
 * from {@code latents}), so the loop's per-step scope frees it.
 */
@FunctionalInterface
public interface NoisePredictor {
    NDArray predict(NDArray latents, float timestep, NDArray context);
}
