package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * torch {@code nn.LayerNorm} over the last axis. A float16 input is normalised in float32 and cast back, as
 * {@code torch.autocast} runs {@code layer_norm} (the casts keep the graph, {@link Functional#cast}).
 */
public final class LayerNorm extends Module {
    private final int dim;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private NDArray[] float32;
    private NDArray[] source;

    public LayerNorm(int dim, float eps) {
        this.dim = dim;
        this.eps = eps;
        this.weight = parameter("weight", dim);
        this.bias = parameter("bias", dim);
    }

    public NDArray forward(NDArray x) {
        org.lorastudio.runtime.Placement.inputs("LayerNorm", weight.array().getDataType(), x, weight.array(),
                bias.array());
        if (x.getDataType() == DataType.FLOAT16) {
            NDArray[] wb = float32Affine();
            NDArray y = ai.djl.nn.norm.LayerNorm.layerNorm(Functional.cast(x, DataType.FLOAT32), new Shape(dim),
                    wb[0], wb[1], eps).singletonOrThrow();
            return Functional.cast(y, DataType.FLOAT16);
        }
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(dim), weight.array(), bias.array(), eps)
                .singletonOrThrow();
    }

    /** weight and bias in float32 (frozen half weights under mixed precision), cached per weight array. */
    private NDArray[] float32Affine() {
        NDArray w = weight.array();
        NDArray b = bias.array();
        if (w.getDataType() == DataType.FLOAT32 && b.getDataType() == DataType.FLOAT32) {
            return new NDArray[] {w, b};
        }
        if (float32 == null || float32[0].isReleased() || source[0] != w || source[1] != b) {
            NDArray w32 = w.toType(DataType.FLOAT32, false);
            NDArray b32 = b.toType(DataType.FLOAT32, false);
            NDScope.unregister(w32, b32);
            float32 = new NDArray[] {w32, b32};
            source = new NDArray[] {w, b};
        }
        return float32;
    }
}
