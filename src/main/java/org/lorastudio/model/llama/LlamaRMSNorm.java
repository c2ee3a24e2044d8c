package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Parameter;

/**
 * transformers' {@code LlamaRMSNorm}: {@code weight · x / sqrt(mean(x², last axis) + eps)}, no mean subtraction and
 * no bias. Computed in float32 and cast back to the input's type before the weight is applied, as the reference does.
 */
public final class LlamaRMSNorm extends Module {
    private final Parameter weight;
    private final float eps;

    public LlamaRMSNorm(int dim, double eps) {
        this.weight = parameter("weight", dim);
        this.eps = (float) eps;
    }

    /** (…, D) → (…, D). */
    public NDArray forward(NDArray x) {
        DataType type = x.getDataType();
        NDArray x32 = type == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true); // (…, D) -> (…, 1)
        NDArray normed = x32.div(variance.add(eps).sqrt());
        if (type != DataType.FLOAT32) {
            normed = normed.toType(type, false);
        }
        org.lorastudio.runtime.Placement.inputs("RMSNorm", weight.array().getDataType(), normed, weight.array());
        return normed.mul(weight.array());
    }
}
