package org.lorastudio.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The denoising loop of diffusers' {@code StableDiffusionPipeline.__call__} (v0.26) without the networks: initial
 * noise × {@code init_noise_sigma}, then per step an optional classifier-free-guidance batch, the
 * {@link NoisePredictor} and the {@link Sampler} step. Text encoding and VAE decoding stay outside.
 *
 * <p>Classifier-free guidance (Ho &amp; Salimans 2022) runs when the scale is &gt; 1, as diffusers'
 * {@code do_classifier_free_guidance}: the latents are doubled to a batch (uncond, cond) on axis 0, the contexts
 * likewise, and the two halves of the output are combined as ε = ε_u + s·(ε_c − ε_u). The unconditional context is
 * the text encoding of the negative prompt (the empty prompt by default, not zeros).
 *
 * <p>Memory: each step runs in a sub-manager of the initial noise's manager (STYLE 8); only the new latents leave
 * it. Every returned array belongs to that manager.
 */
public final class DiffusionLoop {
    private final NoisePredictor predictor;
    private final Sampler sampler;

    /** Per-step progress: {@code step} steps of {@code total} are done (1..total). */
    @FunctionalInterface
    public interface Progress {
        void onStep(int step, int total);

        Progress NONE = (step, total) -> { };
    }

    /**
     * Text conditioning.
     *
     * @param cond          conditional context [B, L, D]
     * @param uncond        unconditional context [B or 1, L, D]; may be null when {@code guidanceScale <= 1}
     * @param guidanceScale CFG scale s (7.5 typical); ≤ 1 runs the conditional branch only
     */
    public record Conditioning(NDArray cond, NDArray uncond, float guidanceScale) {
        public Conditioning {
            Objects.requireNonNull(cond, "cond");
            if (guidanceScale > 1 && uncond == null) {
                throw new IllegalArgumentException("guidance scale " + guidanceScale
                        + " needs an unconditional context (the empty-prompt encoding)");
            }
        }

        /** As diffusers: guidance runs only for scales above 1. */
        public boolean guided() {
            return guidanceScale > 1;
        }
    }

    /**
     * Outcome of a run.
     *
     * @param latents        the final latents [B, 4, h, w] (the last completed step's, or the scaled start noise)
     * @param steps          the latents after each completed step when requested (the last is {@code latents}),
     *                       else empty
     * @param completedSteps steps done
     * @param cancelled      whether the cancel check stopped the run early
     */
    public record Result(NDArray latents, List<NDArray> steps, int completedSteps, boolean cancelled) {
        public Result {
            steps = List.copyOf(steps);
        }
    }

    public DiffusionLoop(NoisePredictor predictor, Sampler sampler) {
        this.predictor = Objects.requireNonNull(predictor, "predictor");
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /**
     * Draws the start noise as the SD pipeline does with {@code torch.Generator().manual_seed(seed)}:
     * N(0, I) of shape [batch, 4, height/8, width/8], before the scaling by {@code init_noise_sigma} (which
     * {@link #run} applies).
     */
    public static NDArray initialNoise(NDManager manager, int seed, int batch, int heightPx, int widthPx) {
        if (batch < 1 || heightPx < 8 || widthPx < 8 || heightPx % 8 != 0 || widthPx % 8 != 0) {
            throw new IllegalArgumentException("image size must be a positive multiple of 8 and batch ≥ 1, found "
                    + batch + " × " + widthPx + "×" + heightPx);
        }
        return Noise.seeded(manager, seed, new Shape(batch, 4, heightPx / 8, widthPx / 8));
    }

    /**
     * Runs all steps.
     *
     * @param noise      start noise z ~ N(0, I) [B, 4, h, w] (unscaled; see {@link #initialNoise}); not modified
     * @param keepSteps  keep every step's latents in {@link Result#steps()} (debugging, parity tests)
     * @param progress   called after each step
     * @param cancel     checked before each step; true stops the run and returns what was reached
     */
    public Result run(NDArray noise, Conditioning conditioning, boolean keepSteps, Progress progress,
                      BooleanSupplier cancel) {
        long batch = noise.getShape().get(0);
        if (conditioning.cond().getShape().get(0) != batch) {
            throw new IllegalArgumentException("context batch " + conditioning.cond().getShape()
                    + " does not match latents " + noise.getShape());
        }
        NDManager outer = noise.getManager();
        int total = sampler.numSteps();
        float[] timesteps = sampler.timesteps();
        List<NDArray> kept = new ArrayList<>();
        NDArray context = guidedContext(conditioning, batch);
        NDArray x = noise.mul(sampler.initNoiseSigma());
        try {
            for (int i = 0; i < total; i++) {
                if (cancel.getAsBoolean()) {
                    return new Result(x, kept, i, true);
                }
                NDArray next;
                try (NDManager scope = outer.newSubManager()) {
                    x.tempAttach(scope);
                    next = denoise(x, context, conditioning, timesteps[i], i);
                    next.attach(outer);
                }
                if (kept.isEmpty() || kept.get(kept.size() - 1) != x) {
                    x.close(); // the scaled start noise or a step the caller did not ask to keep
                }
                x = next;
                if (keepSteps) {
                    kept.add(x);
                }
                progress.onStep(i + 1, total);
            }
            return new Result(x, kept, total, false);
        } finally {
            if (context != conditioning.cond()) {
                context.close();
            }
        }
    }

    /** One step: model input (doubled for CFG), prediction, guidance, sampler step. */
    private NDArray denoise(NDArray x, NDArray context, Conditioning c, float t, int i) {
        NDArray modelIn = c.guided() ? NDArrays.concat(new NDList(x, x), 0) : x; // [B,4,h,w] -> [2B,4,h,w]
        NDArray out = predictor.predict(sampler.scaleModelInput(modelIn, i), t, context);
        NDArray eps = out;
        if (c.guided()) {
            NDList halves = out.split(2, 0); // [2B,4,h,w] -> uncond [B,4,h,w], cond [B,4,h,w]
            NDArray uncond = halves.get(0);
            eps = uncond.add(halves.get(1).sub(uncond).mul(c.guidanceScale()));
        }
        return sampler.step(eps, i, x);
    }

    /** [uncond; cond] on axis 0 for CFG ([2B, L, D]), else the conditional context itself. */
    private static NDArray guidedContext(Conditioning c, long batch) {
        if (!c.guided()) {
            return c.cond();
        }
        NDArray uncond = c.uncond();
        long ub = uncond.getShape().get(0);
        if (ub != batch && ub != 1) {
            throw new IllegalArgumentException("unconditional context batch " + uncond.getShape()
                    + " must be 1 or match " + c.cond().getShape());
        }
        NDArray u = ub == batch ? uncond : uncond.repeat(0, batch); // [1,L,D] -> [B,L,D]
        NDArray both = NDArrays.concat(new NDList(u, c.cond()), 0); // -> [2B, L, D]
        if (u != uncond) {
            u.close();
        }
        return both;
    }
}
