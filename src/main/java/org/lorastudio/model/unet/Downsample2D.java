package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code Downsample2D} ({@code resnet.py}) with a convolution: {@code conv} 3×3, stride 2. With
 * padding 0 the input is first padded by one on the right and bottom only, as diffusers does.
 */
public final class Downsample2D extends Module {
    private final Conv2d conv;
    private final int padding;

    public Downsample2D(int channels, int padding) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, 2, padding, true));
        this.padding = padding;
    }

    /** (B, C, H, W) -> (B, C, ⌈H/2⌉, ⌈W/2⌉) for padding 1. */
    public NDArray forward(NDArray x) {
        // torch F.pad order (W left, W right, H top, H bottom): (B, C, H, W) -> (B, C, H+1, W+1)
        NDArray in = padding == 0 ? x.pad(new Shape(0, 1, 0, 1), 0) : x;
        return conv.forward(in);
    }
}
