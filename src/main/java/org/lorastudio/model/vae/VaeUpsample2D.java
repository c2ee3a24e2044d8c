package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Module;

/** diffusers' {@code Upsample2D} with {@code use_conv}: nearest-neighbour ×2, then a 3×3 convolution. */
final class VaeUpsample2D extends Module {
    private final Conv2d conv;

    VaeUpsample2D(int channels) {
        this.conv = child("conv", Conv2d.k3(channels, channels));
    }

    /** (B, C, H, W) → (B, C, 2H, 2W). */
    NDArray forward(NDArray x) {
        NDArray up = x.repeat(2, 2).repeat(3, 2); // (B, C, H, W) -> (B, C, 2H, 2W), repeat_interleave = nearest
        return conv.forward(up);
    }
}
