package org.lorastudio.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.sample.SchedulerConfig.PredictionType;

/**
 * The discrete forward-diffusion schedule used for training and by every sampler: β_t, ᾱ_t = Π_{s≤t}(1 − β_s), and
 * the quantities derived from them (diffusers {@code DDPMScheduler.__init__}, {@code add_noise},
 * {@code get_velocity}, and {@code training_utils.compute_snr}).
 *
 * <p>All tables are float32 and computed the way PyTorch computes them on the CPU, so they equal the reference
 * bit for bit: β by {@link #torchLinspace} (then squared for "scaled_linear"), α = 1 − β in float32, and the
 * cumulative product accumulated in float64 and rounded to float32 after each factor (the accumulator type of
 * {@code torch.cumprod} on the CPU). Immutable and thread-safe.
 */
public final class NoiseSchedule {
    private final SchedulerConfig config;
    private final float[] betas;
    private final float[] alphasCumprod;

    public NoiseSchedule(SchedulerConfig config) {
        this.config = config;
        int n = config.numTrainTimesteps();
        this.betas = switch (config.betaSchedule()) {
            case LINEAR -> torchLinspace((float) config.betaStart(), (float) config.betaEnd(), n);
            case SCALED_LINEAR -> {
                // betas = linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=float32) ** 2
                float[] r = torchLinspace((float) Math.sqrt(config.betaStart()),
                        (float) Math.sqrt(config.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    r[i] = r[i] * r[i];
                }
                yield r;
            }
        };
        this.alphasCumprod = new float[n];
        double acc = 1.0;
        for (int i = 0; i < n; i++) {
            acc *= 1.0f - betas[i];
            alphasCumprod[i] = (float) acc;
        }
    }

    /** The schedule of Stable Diffusion 1.5. */
    public static NoiseSchedule sd15() {
        return new NoiseSchedule(SchedulerConfig.sd15());
    }

    public SchedulerConfig config() {
        return config;
    }

    /** T, the number of training timesteps. */
    public int numTrainTimesteps() {
        return betas.length;
    }

    /** β_t for t = 0..T−1 (a copy). */
    public float[] betas() {
        return betas.clone();
    }

    /** ᾱ_t for t = 0..T−1 (a copy). */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** ᾱ_t. */
    public float alphaCumprod(int t) {
        return alphasCumprod[checkT(t)];
    }

    /** √ᾱ_t in float32, the factor of x0 in {@link #addNoise}. */
    public float sqrtAlphaCumprod(int t) {
        return (float) Math.sqrt(alphasCumprod[checkT(t)]);
    }

    /** √(1 − ᾱ_t) in float32, the factor of ε in {@link #addNoise}. */
    public float sqrtOneMinusAlphaCumprod(int t) {
        return (float) Math.sqrt(1.0f - alphasCumprod[checkT(t)]);
    }

    /**
     * Signal-to-noise ratio SNR_t = ᾱ_t / (1 − ᾱ_t), computed as diffusers' {@code compute_snr} does it in float32:
     * (√ᾱ_t / √(1 − ᾱ_t))².
     */
    public float snr(int t) {
        float ratio = sqrtAlphaCumprod(t) / sqrtOneMinusAlphaCumprod(t);
        return ratio * ratio;
    }

    /**
     * Karras/k-diffusion noise level σ_t = √((1 − ᾱ_t) / ᾱ_t) in float32 (Euler samplers;
     * {@code EulerAncestralDiscreteScheduler.__init__}). σ_0 ≈ 0.02917, σ_999 ≈ 14.6146 for SD1.5.
     */
    public float sigma(int t) {
        float a = alphasCumprod[checkT(t)];
        return (float) Math.sqrt((1.0f - a) / a);
    }

    /** σ_t for every training timestep (see {@link #sigma}). */
    public float[] sigmas() {
        float[] s = new float[betas.length];
        for (int t = 0; t < s.length; t++) {
            s[t] = sigma(t);
        }
        return s;
    }

    /**
     * Forward diffusion x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε with one timestep per batch item
     * ({@code DDPMScheduler.add_noise}).
     *
     * @param x0        clean latents [B, C, H, W] (any rank ≥ 1; the factors broadcast over all axes after the first)
     * @param noise     ε, same shape as x0
     * @param timesteps B integer timesteps in [0, T)
     * @return the noisy latents, same shape and manager as x0
     */
    public NDArray addNoise(NDArray x0, NDArray noise, long[] timesteps) {
        checkBatch(x0, noise, timesteps);
        NDArray a = perSample(x0, timesteps, this::sqrtAlphaCumprod);
        NDArray b = perSample(x0, timesteps, this::sqrtOneMinusAlphaCumprod);
        org.lorastudio.runtime.Placement.alike("addNoise", x0, noise, a, b);
        return x0.mul(a).add(noise.mul(b));
    }

    /** {@link #addNoise(NDArray, NDArray, long[])} with the timesteps as an integer NDArray [B]. */
    public NDArray addNoise(NDArray x0, NDArray noise, NDArray timesteps) {
        return addNoise(x0, noise, toLongs(timesteps));
    }

    /**
     * The v-prediction target v = √ᾱ_t·ε − √(1 − ᾱ_t)·x0 ({@code DDPMScheduler.get_velocity}; Salimans &amp; Ho 2022).
     */
    public NDArray velocity(NDArray x0, NDArray noise, long[] timesteps) {
        checkBatch(x0, noise, timesteps);
        NDArray a = perSample(x0, timesteps, this::sqrtAlphaCumprod);
        NDArray b = perSample(x0, timesteps, this::sqrtOneMinusAlphaCumprod);
        org.lorastudio.runtime.Placement.alike("velocity", x0, noise, a, b);
        return noise.mul(a).sub(x0.mul(b));
    }

    /** {@link #velocity(NDArray, NDArray, long[])} with the timesteps as an integer NDArray [B]. */
    public NDArray velocity(NDArray x0, NDArray noise, NDArray timesteps) {
        return velocity(x0, noise, toLongs(timesteps));
    }

    /**
     * Min-SNR-γ loss weights (Hang et al. 2023, as in diffusers' {@code train_text_to_image.py}): min(SNR_t, γ)/SNR_t
     * for ε-prediction, min(SNR_t, γ)/(SNR_t + 1) for v-prediction. Multiply each sample's mean squared error by its
     * weight, then average over the batch.
     */
    public float[] minSnrWeights(long[] timesteps, float gamma, PredictionType predictionType) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("min_snr_gamma must be > 0, found " + gamma);
        }
        float[] w = new float[timesteps.length];
        for (int i = 0; i < w.length; i++) {
            float snr = snr(toT(timesteps[i]));
            float clipped = Math.min(snr, gamma);
            w[i] = switch (predictionType) {
                case EPSILON -> clipped / snr;
                case V_PREDICTION -> clipped / (snr + 1);
            };
        }
        return w;
    }

    /** {@link #minSnrWeights(long[], float, PredictionType)} as a float32 NDArray [B] on {@code manager}. */
    public NDArray minSnrWeights(NDArray timesteps, float gamma, PredictionType predictionType, NDManager manager) {
        return manager.create(minSnrWeights(toLongs(timesteps), gamma, predictionType));
    }

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} as libtorch's vectorised CPU kernel computes it: the
     * first half counts up from {@code start}, the second half down from {@code end} (so both ends are exact), in
     * chunks of 8 lanes whose base is {@code start + step·i} (or {@code end − step·(n−1−i)}) and whose lanes add
     * {@code k·step}, each with a fused multiply-add. Reproduces the reference {@code alphas_cumprod} bit for bit,
     * where the plain scalar formula is off by one ulp at a few timesteps.
     */
    static float[] torchLinspace(float start, float end, int n) {
        float[] out = new float[n];
        if (n == 1) {
            out[0] = start;
            return out;
        }
        final int lanes = 8;
        float step = (end - start) / (n - 1);
        int half = n / 2;
        for (int i0 = 0; i0 < n; i0 += lanes) {
            float base = i0 < half ? Math.fma(step, (float) i0, start) : Math.fma(-step, (float) (n - i0 - 1), end);
            for (int k = 0; k < lanes && i0 + k < n; k++) {
                out[i0 + k] = Math.fma((float) k, step, base);
            }
        }
        return out;
    }

    private interface Coefficient {
        float at(int t);
    }

    /** Gathers one coefficient per batch item as a [B, 1, …, 1] float32 array that broadcasts over x. */
    private static NDArray perSample(NDArray x, long[] timesteps, Coefficient c) {
        float[] v = new float[timesteps.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.at(toT(timesteps[i]));
        }
        long[] shape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = v.length;
        NDArray a = org.lorastudio.nn.Weights.owned(x.getManager().create(v, new Shape(shape))); // [B] -> [B, 1, 1, 1]
        return x.getDataType() == DataType.FLOAT32 ? a : a.toType(x.getDataType(), false);
    }

    private void checkBatch(NDArray x0, NDArray noise, long[] timesteps) {
        if (!x0.getShape().equals(noise.getShape())) {
            throw new IllegalArgumentException("noise shape " + noise.getShape() + " != latents " + x0.getShape());
        }
        if (x0.getShape().dimension() == 0 || x0.getShape().get(0) != timesteps.length) {
            throw new IllegalArgumentException("expected one timestep per batch item of " + x0.getShape()
                    + ", found " + timesteps.length);
        }
        for (long t : timesteps) {
            checkT(toT(t));
        }
    }

    private int checkT(int t) {
        if (t < 0 || t >= betas.length) {
            throw new IllegalArgumentException("timestep " + t + " outside 0.." + (betas.length - 1));
        }
        return t;
    }

    private static int toT(long t) {
        return t < Integer.MIN_VALUE || t > Integer.MAX_VALUE ? -1 : (int) t;
    }

    private static long[] toLongs(NDArray timesteps) {
        if (timesteps.getShape().dimension() != 1) {
            throw new IllegalArgumentException("timesteps must be a 1-D array, found " + timesteps.getShape());
        }
        return timesteps.toType(DataType.INT64, false).toLongArray();
    }
}
