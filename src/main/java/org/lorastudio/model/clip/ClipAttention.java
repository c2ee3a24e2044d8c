package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/**
 * transformers' {@code CLIPAttention}: multi-head self-attention with biased projections. Registered k, v, q, out
 * like the reference, so the state-dict order matches too.
 */
final class ClipAttention extends Module {
    private final int heads;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear qProj;
    private final Linear outProj;

    ClipAttention(ClipTextConfig config) {
        int d = config.hiddenSize();
        this.heads = config.numAttentionHeads();
        this.kProj = child("k_proj", new Linear(d, d, true));
        this.vProj = child("v_proj", new Linear(d, d, true));
        this.qProj = child("q_proj", new Linear(d, d, true));
        this.outProj = child("out_proj", new Linear(d, d, true));
    }

    /** (B, T, D) with an additive mask broadcastable to (B, heads, T, T) → (B, T, D). */
    NDArray forward(NDArray x, NDArray mask) {
        NDArray attended = Functional.attention(qProj.forward(x), kProj.forward(x), vProj.forward(x), heads, mask, 0);
        return outProj.forward(attended);
    }
}
