package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code Upsample2D} ({@code resnet.py}) with a convolution: nearest-neighbour upsampling by 2 (or
 * to an explicit size, the next skip's, when the latent size is not a multiple of the total downsampling), then
 * {@code conv} 3×3.
 */
public final class Upsample2D extends Module {
    private static final int NEAREST = 0;

    private final Conv2d conv;

    public Upsample2D(int channels) {
        this.conv = child("conv", Conv2d.k3(channels, channels));
    }

    /**
     * @param x          (B, C, H, W)
     * @param outputSize {H', W'}, or null for {2H, 2W}
     * @return (B, C, H', W')
     */
    public NDArray forward(NDArray x, long[] outputSize) {
        Shape s = x.getShape();
        long[] size = outputSize != null ? outputSize : new long[] {2 * s.get(2), 2 * s.get(3)};
        NDArray up = x.getNDArrayInternal().interpolation(size, NEAREST, false); // (B, C, H, W) -> (B, C, H', W')
        return conv.forward(up);
    }
}
