package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The one place every 2-D convolution of the networks goes through (base layers, LoRA/LoCon deltas, VAE, UNet,
 * training and generation).
 *
 * <p>Why a seam: the oneDNN 3.7 inside libtorch 2.7.1 computes a wrong input gradient (backward-data) for a k×k
 * (k &gt; 1), stride-1 convolution whose output-channel count is not a multiple of 16 on some CPUs (seen on AMD Zen 5
 * with AVX-512: whole weight taps skipped, relative error 0.3–0.8 or NaN). Forward passes and weight gradients are
 * right. oneDNN pads output channels to its 16-block internally anyway, so here the weight (and bias) are padded
 * with zero output channels up to the next multiple of 16 inside the autograd graph and the result is sliced back:
 * the values are the same, the weight gradient flows through the pad, and backward-data runs the well-behaved
 * full-block kernel. {@code LORASTUDIO_UNSAFE_KERNELS=1} turns the workaround off (to reproduce the fault).
 */
public final class Convolution {
    /** oneDNN's AVX-512 channel block. */
    static final int BLOCK = 16;
    private static final boolean UNSAFE = "1".equals(System.getenv("LORASTUDIO_UNSAFE_KERNELS"));

    static {
        // The first convolution is where libtorch would print its NNPACK warnings; the engine is loaded by now.
        org.lorastudio.runtime.NativeLogging.quietWarnings();
    }

    private Convolution() {
    }

    /** torch {@code F.conv2d} with square stride and padding, no dilation, one group. */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        org.lorastudio.runtime.Placement.inputs("conv2d", weight.getDataType(), x, weight, bias);
        long out = weight.getShape().get(0);
        long kernel = weight.getShape().get(2);
        // Only backward-data is wrong, and it runs only when x needs a gradient: inference (generation, sampling,
        // validation) keeps the plain call and pays nothing.
        if (UNSAFE || !x.hasGradient() || !needsPadding(out, kernel, stride)) {
            return raw(x, weight, bias, stride, padding);
        }
        long padded = (out + BLOCK - 1) / BLOCK * BLOCK;
        // The zero channels belong to the step (x's manager), never to the model's long-lived manager.
        Shape extra = new Shape(padded - out, weight.getShape().get(1), kernel, weight.getShape().get(3));
        NDArray zw = x.getManager().zeros(extra, weight.getDataType(), weight.getDevice());
        NDArray zb = bias == null ? null : x.getManager().zeros(new Shape(padded - out), bias.getDataType(),
                bias.getDevice());
        org.lorastudio.runtime.Placement.inputs("conv2d_pad", weight.getDataType(), zw, zb);
        NDArray w = NDArrays.concat(new NDList(weight, zw), 0); // (out, in, k, k) -> (padded, in, k, k)
        NDArray b = bias == null ? null : NDArrays.concat(new NDList(bias, zb), 0);
        return raw(x, w, b, stride, padding).get(new NDIndex(":, :{}", out)); // (B, padded, H, W) -> (B, out, H, W)
    }

    /** The shapes whose backward-data oneDNN 3.7 gets wrong on some CPUs (k &gt; 1, stride 1, out % 16 != 0). */
    static boolean needsPadding(long outChannels, long kernel, int stride) {
        return kernel > 1 && stride == 1 && outChannels % BLOCK != 0;
    }

    /** The plain libtorch convolution, without the workaround (the tests' reference path). */
    public static NDArray raw(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }
}
