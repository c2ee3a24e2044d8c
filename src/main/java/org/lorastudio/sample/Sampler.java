package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;

/**
 * One reverse-diffusion sampler for a fixed number of inference steps, in the shape of a diffusers scheduler
 * ({@code set_timesteps}, {@code init_noise_sigma}, {@code scale_model_input}, {@code step}), but immutable: the step
 * index is passed in instead of being counted inside, so one instance may serve several generations.
 *
 * <p>A generation loop (see {@link DiffusionLoop}) does: x = z·{@link #initNoiseSigma()} with z ~ N(0, I); for
 * i = 0..n−1: ε = model({@link #scaleModelInput}(x, i), {@link #timesteps()}[i]); x = {@link #step}(ε, i, x).
 *
 * <p>Random draws (ancestral noise, DDIM with η &gt; 0, DDPM variance) come from libtorch's CPU generator through
 * {@link Noise} ({@code manager.randomNormal}), so {@code Engine.getInstance().setRandomSeed(seed)} before the run
 * reproduces it, and continues the same stream as the initial latents just as a seeded CPU {@code torch.Generator}
 * does in diffusers. The generator is global to the process: sample on one thread at a time.
 */
public interface Sampler {

    /** The model's timestep at each inference step, in order (whole numbers except for Euler with linspace). */
    float[] timesteps();

    /** Number of inference steps. */
    default int numSteps() {
        return timesteps().length;
    }

    /** Standard deviation of the initial noise: x_T = z·initNoiseSigma() (1 for DDIM/DDPM, σ_max for Euler). */
    float initNoiseSigma();

    /** The network input at step {@code stepIndex} (identity for DDIM/DDPM, x/√(σ²+1) for Euler). */
    NDArray scaleModelInput(NDArray sample, int stepIndex);

    /**
     * One reverse step: from the current latents x_t and the (guided) model output at step {@code stepIndex} to the
     * latents of the next step. The result is float32 on the manager of {@code sample}.
     *
     * @param modelOutput network output (ε or v, per the config's prediction type), shape of {@code sample}
     * @param stepIndex   0-based index into {@link #timesteps()}
     * @param sample      the current latents x_t [B, C, H, W]
     */
    NDArray step(NDArray modelOutput, int stepIndex, NDArray sample);
}
