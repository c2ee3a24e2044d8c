package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Module;

/**
 * diffusers' {@code Downsample2D} with {@code padding=0} as the VAE encoder uses it: zero-pad right and bottom by one
 * (asymmetric, torch F.pad (0, 1, 0, 1)), then a 3×3 stride-2 convolution without padding.
 */
final class VaeDownsample2D extends Module {
    private final Conv2d conv;

    VaeDownsample2D(int channels) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, 2, 0, true));
    }

    /** (B, C, H, W) → (B, C, H/2, W/2). */
    NDArray forward(NDArray x) {
        NDArray padded = x.pad(new Shape(0, 1, 0, 1), 0); // (B, C, H, W) -> (B, C, H+1, W+1); last axis first
        return conv.forward(padded);
    }
}
