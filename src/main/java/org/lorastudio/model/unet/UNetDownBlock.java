package org.lorastudio.model.unet;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;

/**
 * A block of the contracting path ({@link DownBlock2D}, {@link CrossAttnDownBlock2D}). diffusers duck-types these;
 * here they share this contract. Forward is a pure function of its inputs (no state kept between calls), so a
 * segment can be recomputed for gradient checkpointing.
 */
public abstract class UNetDownBlock extends Module {
    /**
     * @param hidden the block's output
     * @param skips  the states to push on the skip stack, in push order (one per resnet, then the downsampled one)
     */
    public record Output(NDArray hidden, List<NDArray> skips) {
        public Output {
            skips = List.copyOf(skips);
        }
    }

    /**
     * @param hidden  (B, Cin, H, W)
     * @param temb    (B, T) time embedding
     * @param context (B, S, D) encoder hidden states (unused by blocks without attention)
     */
    public final Output forward(NDArray hidden, NDArray temb, NDArray context) {
        return forward(hidden, temb, context, Segments.DIRECT);
    }

    /** The same forward with every layer run through {@code segments} (per-layer gradient checkpointing). */
    abstract Output forward(NDArray hidden, NDArray temb, NDArray context, Segments segments);
}
