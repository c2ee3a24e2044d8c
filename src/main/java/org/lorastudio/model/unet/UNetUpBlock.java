package org.lorastudio.model.unet;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;

/**
 * A block of the expanding path ({@link UpBlock2D}, {@link CrossAttnUpBlock2D}). Each resnet takes
 * {@code cat(hidden, skip)} on the channel axis, popping skips from the end. Forward is a pure function of its
 * inputs.
 */
public abstract class UNetUpBlock extends Module {
    /** How many skip states this block consumes (one per resnet). */
    public abstract int numResnets();

    /**
     * @param hidden       (B, Cprev, H, W)
     * @param skips        this block's {@link #numResnets()} skip states, in the order they were pushed
     * @param temb         (B, T) time embedding
     * @param context      (B, S, D) encoder hidden states (unused by blocks without attention)
     * @param upsampleSize {H', W'} for the upsampler, or null for ×2
     * @return (B, Cout, H', W') (or (B, Cout, H, W) in the last block, which has no upsampler)
     */
    public final NDArray forward(NDArray hidden, List<NDArray> skips, NDArray temb, NDArray context,
                                 long[] upsampleSize) {
        return forward(hidden, skips, temb, context, upsampleSize, Segments.DIRECT);
    }

    /** The same forward with every layer run through {@code segments} (per-layer gradient checkpointing). */
    abstract NDArray forward(NDArray hidden, List<NDArray> skips, NDArray temb, NDArray context,
                             long[] upsampleSize, Segments segments);
}
