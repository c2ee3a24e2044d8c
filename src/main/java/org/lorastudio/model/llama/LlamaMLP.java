package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/** transformers' {@code LlamaMLP}: {@code down_proj(silu(gate_proj(x)) ⊙ up_proj(x))}. */
public final class LlamaMLP extends Module {
    private final Linear gateProj;
    private final Linear upProj;
    private final Linear downProj;

    public LlamaMLP(LlamaConfig config) {
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        this.gateProj = child("gate_proj", new Linear(h, i, config.mlpBias()));
        this.upProj = child("up_proj", new Linear(h, i, config.mlpBias()));
        this.downProj = child("down_proj", new Linear(i, h, config.mlpBias()));
    }

    /** (B, T, H) → (B, T, H). */
    public NDArray forward(NDArray x) {
        return downProj.forward(Functional.silu(gateProj.forward(x)).mul(upProj.forward(x)));
    }
}
