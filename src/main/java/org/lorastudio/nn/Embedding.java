package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;

/** torch {@code nn.Embedding}: rows of the weight [num, dim] looked up by int64 ids (differentiable in the weight). */
public final class Embedding extends Module {
    private final Parameter weight;

    public Embedding(int num, int dim) {
        this.weight = parameter("weight", num, dim);
    }

    public NDArray forward(NDArray ids) {
        org.lorastudio.runtime.Placement.inputs("Embedding_ids", null, ids);
        org.lorastudio.runtime.Placement.inputs("Embedding", weight.array().getDataType(), weight.array());
        NDArray idx = ids.getDataType() == DataType.INT64 ? ids : ids.toType(DataType.INT64, false);
        return ai.djl.nn.core.Embedding.embedding(idx, weight.array(), SparseFormat.DENSE).singletonOrThrow();
    }

    public Parameter weight() {
        return weight;
    }
}
