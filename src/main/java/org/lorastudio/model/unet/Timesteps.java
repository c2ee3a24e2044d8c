package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code Timesteps} ({@code embeddings.py}, {@code get_timestep_embedding}): the sinusoidal
 * embedding of (possibly fractional) timesteps, computed in float32. Frequencies are
 * {@code exp(−ln(10000)·i / (half − freqShift))}, i = 0..half−1; with {@code flipSinToCos} cos comes first.
 * No parameters.
 */
public final class Timesteps extends Module {
    private static final double MAX_PERIOD = 10000;

    private final int numChannels;
    private final boolean flipSinToCos;
    private final float downscaleFreqShift;

    public Timesteps(int numChannels, boolean flipSinToCos, float downscaleFreqShift) {
        if (numChannels % 2 != 0) {
            throw new IllegalArgumentException("Timesteps: numChannels must be even, found " + numChannels);
        }
        this.numChannels = numChannels;
        this.flipSinToCos = flipSinToCos;
        this.downscaleFreqShift = downscaleFreqShift;
    }

    /**
     * @param timesteps (B,) int or float timesteps
     * @return (B, numChannels) float32
     */
    public NDArray forward(NDArray timesteps) {
        int half = numChannels / 2;
        NDArray t = timesteps.toType(DataType.FLOAT32, false).reshape(-1, 1); // (B,) -> (B, 1)
        // same operation order as diffusers: (−ln(max_period) · arange) / (half − shift), then exp
        NDArray exponent = timesteps.getManager().arange(0f, half, 1f, DataType.FLOAT32, timesteps.getDevice())
                .mul((float) -Math.log(MAX_PERIOD)).div(half - downscaleFreqShift);
        org.lorastudio.runtime.Placement.inputs("Timesteps", DataType.FLOAT32, t, exponent);
        NDArray freqs = exponent.exp().reshape(1, half); // (half,) -> (1, half)
        NDArray args = t.mul(freqs); // (B, 1) * (1, half) -> (B, half)
        NDList parts = flipSinToCos ? new NDList(args.cos(), args.sin()) : new NDList(args.sin(), args.cos());
        return NDArrays.concat(parts, 1); // (B, half) ×2 -> (B, numChannels)
    }

    public int numChannels() {
        return numChannels;
    }
}
