package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;

/** torch {@code nn.Conv2d} with square kernel, symmetric padding, weight [out, in, k, k]. */
public final class Conv2d extends AdaptableLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Conv2d(int in, int out, int kernel, int stride, int padding, boolean bias) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.weight = parameter("weight", out, in, kernel, kernel);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** A 3×3 convolution with padding 1 and bias, the most common case in SD. */
    public static Conv2d k3(int in, int out) {
        return new Conv2d(in, out, 3, 1, 1, true);
    }

    /** A 1×1 convolution with bias. */
    public static Conv2d k1(int in, int out) {
        return new Conv2d(in, out, 1, 1, 0, true);
    }

    public NDArray forward(NDArray x) {
        NDArray y = Convolution.conv2d(x, weight.array(), bias == null ? null : bias.array(), stride, padding);
        return withAdapters(x, y);
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }

    public int kernelSize() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }
}
