package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code TimestepEmbedding} ({@code embeddings.py}) with SiLU and no conditioning projection or
 * post-activation: {@code linear_2(silu(linear_1(x)))}.
 */
public final class TimestepEmbedding extends Module {
    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(int inChannels, int timeEmbedDim) {
        this.linear1 = child("linear_1", new Linear(inChannels, timeEmbedDim, true));
        this.linear2 = child("linear_2", new Linear(timeEmbedDim, timeEmbedDim, true));
    }

    /** (B, inChannels) -> (B, timeEmbedDim). */
    public NDArray forward(NDArray sample) {
        return linear2.forward(Functional.silu(linear1.forward(sample)));
    }
}
