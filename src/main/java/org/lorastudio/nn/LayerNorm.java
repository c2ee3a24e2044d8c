package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch {@code nn.LayerNorm} over the last axis. */
public final class LayerNorm extends Module {
    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public LayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
    }

    public NDArray forward(NDArray x) {
        org.lorastudio.runtime.Placement.inputs("LayerNorm", weight.array().getDataType(), x, weight.array(),
                bias.array());
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.array(), bias.array(), eps)
                .singletonOrThrow();
    }
}
