package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;

/** torch {@code nn.Linear}: {@code y = x·Wᵀ + b}, weight [out, in]. */
public final class Linear extends AdaptableLayer {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    public Linear(int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    public NDArray forward(NDArray x) {
        org.lorastudio.runtime.Placement.inputs("Linear", weight.array().getDataType(), x, weight.array(),
                bias == null ? null : bias.array());
        NDArray y = bias == null
                ? ai.djl.nn.core.Linear.linear(x, weight.array()).singletonOrThrow()
                : ai.djl.nn.core.Linear.linear(x, weight.array(), bias.array()).singletonOrThrow();
        return withAdapters(x, y);
    }

    @Override
    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return in;
    }

    public int outFeatures() {
        return out;
    }
}
