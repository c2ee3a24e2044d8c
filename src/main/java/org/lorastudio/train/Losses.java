package org.lorastudio.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Diffusion training losses (FORMATS §5): plain MSE, per-sample MSE with min-SNR-γ weighting (Hang et al. 2023, as
 * kohya's {@code apply_snr_weight} and diffusers' {@code train_text_to_image_lora.py}), and the noise offset.
 * Results are attached to the manager of {@code pred} / {@code noise}; call inside the step's scope.
 */
public final class Losses {
    private Losses() {
    }

    /** {@code F.mse_loss(pred, target, reduction="mean")}: mean over every element, a 0-dim float32 array. */
    public static NDArray mse(NDArray pred, NDArray target) {
        org.lorastudio.runtime.Placement.alike("loss", pred, target);
        return pred.toType(DataType.FLOAT32, false).sub(target.toType(DataType.FLOAT32, false)).square().mean();
    }

    /** Squared error averaged over every axis but the first: shape (B) from (B, C, H, W). */
    public static NDArray perSampleMse(NDArray pred, NDArray target) {
        org.lorastudio.runtime.Placement.alike("loss", pred, target);
        NDArray se = pred.toType(DataType.FLOAT32, false).sub(target.toType(DataType.FLOAT32, false)).square();
        if (se.getShape().dimension() < 2) {
            return se;
        }
        // (B, C, H, W) -> (B, C*H*W); DJL's PyTorch mean reduces over a single axis only
        return se.reshape(se.getShape().get(0), -1).mean(new int[] {1});
    }

    /** Signal-to-noise ratio of a timestep, {@code ᾱ / (1 − ᾱ)}. */
    public static double snr(double alphaCumprod) {
        return alphaCumprod / (1 - alphaCumprod);
    }

    /**
     * min-SNR-γ weights per sample: {@code min(snr, γ) / snr} for ε-prediction, {@code min(snr, γ) / (snr + 1)} for
     * v-prediction.
     */
    public static float[] minSnrWeights(double[] snr, double gamma, PredictionType type) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("min_snr_gamma must be > 0, found " + gamma);
        }
        float[] w = new float[snr.length];
        for (int i = 0; i < snr.length; i++) {
            double clipped = Math.min(snr[i], gamma);
            w[i] = (float) (type == PredictionType.EPSILON ? clipped / snr[i] : clipped / (snr[i] + 1));
        }
        return w;
    }

    /**
     * The min-SNR-weighted loss {@code mean_b(weight_b · mean_chw((pred − target)²))}, a 0-dim float32 array.
     *
     * @param snr SNR of each sample's timestep, length B
     */
    public static NDArray minSnrMse(NDArray pred, NDArray target, double[] snr, double gamma, PredictionType type) {
        NDArray perSample = perSampleMse(pred, target);
        if (perSample.getShape().size() != snr.length) {
            throw new IllegalArgumentException("min-SNR weighting needs one SNR per sample: batch "
                    + perSample.getShape() + ", " + snr.length + " SNR values");
        }
        NDArray weights = perSample.getManager().create(minSnrWeights(snr, gamma, type)).toDevice(
                perSample.getDevice(), false);
        org.lorastudio.runtime.Placement.alike("loss_min_snr", perSample, weights);
        return perSample.mul(weights).mean();
    }

    /**
     * Noise offset (Guttenberg 2023, kohya {@code apply_noise_offset} without the adaptive part):
     * {@code noise + offset · N(0, 1)} of shape (B, C, 1, 1), drawn from the engine's RNG after the noise itself.
     * The result is both the noise added to the latents and the training target (FORMATS §5).
     */
    public static NDArray applyNoiseOffset(NDArray noise, double offset) {
        if (offset == 0) {
            return noise;
        }
        Shape s = noise.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("noise offset expects (B, C, H, W) noise, found " + s);
        }
        NDArray perChannel = noise.getManager().randomNormal(0, 1, new Shape(s.get(0), s.get(1), 1, 1),
                noise.getDataType(), noise.getDevice());
        org.lorastudio.runtime.Placement.alike("noise_offset", noise, perChannel);
        return noise.add(perChannel.muli(offset));
    }
}
