package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/**
 * transformers' {@code LlamaAttention} (eager path): q/k/v projections, rotary embedding on q and k, grouped-query
 * attention (query head h reads key/value head h // n_rep, {@code repeat_kv}), softmax in float32, o_proj.
 */
public final class LlamaAttention extends Module {
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear oProj;

    public LlamaAttention(LlamaConfig config) {
        this.heads = config.numAttentionHeads();
        this.kvHeads = config.numKeyValueHeads();
        this.headDim = config.headDim();
        int h = config.hiddenSize();
        this.qProj = child("q_proj", new Linear(h, heads * headDim, config.qkvBias()));
        this.kProj = child("k_proj", new Linear(h, kvHeads * headDim, config.qkvBias()));
        this.vProj = child("v_proj", new Linear(h, kvHeads * headDim, config.qkvBias()));
        this.oProj = child("o_proj", new Linear(heads * headDim, h, config.outputBias()));
    }

    /**
     * @param x     (B, T, H)
     * @param rope  cos/sin for the T new positions
     * @param mask  additive float32 mask broadcastable to (B, heads, T, S), S = cached + T
     * @param cache earlier keys/values (appended to), or null
     * @return (B, T, H)
     */
    public NDArray forward(NDArray x, LlamaRotaryEmbedding.Tables rope, NDArray mask, KvCache cache, int layer) {
        Shape s = x.getShape();
        long b = s.get(0);
        long t = s.get(1);
        NDArray q = qProj.forward(x).reshape(b, t, heads, headDim).transpose(0, 2, 1, 3); // -> (B, nh, T, d)
        NDArray k = kProj.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3); // -> (B, nkv, T, d)
        NDArray v = vProj.forward(x).reshape(b, t, kvHeads, headDim).transpose(0, 2, 1, 3); // -> (B, nkv, T, d)
        q = rope.apply(q);
        k = rope.apply(k);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v); // -> (B, nkv, S, d)
            k = kv[0];
            v = kv[1];
        }
        k = repeatKv(k, heads / kvHeads); // (B, nkv, S, d) -> (B, nh, S, d)
        v = repeatKv(v, heads / kvHeads);
        NDArray probsV;
        if (q.getDataType() == DataType.FLOAT32) {
            probsV = Functional.scaledDotProduct(q, k, v, mask); // (B, nh, T, d), through the SDPA kernel
        } else {
            probsV = halfAttention(q, k, v, mask);
        }
        NDArray out = probsV.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim); // -> (B, T, nh·d)
        return oProj.forward(out);
    }

    /** Half-precision inputs: scores and softmax in float32 like the reference, the product back in the input type. */
    private NDArray halfAttention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        DataType type = q.getDataType();
        NDArray scores = Functional.mulScalar(q.matMul(k.transpose(0, 1, 3, 2)),
                (float) (1.0 / Math.sqrt(headDim))).toType(DataType.FLOAT32, false); // (B, nh, T, S)
        NDArray probs = scores.add(mask).softmax(-1).toType(type, false);
        return probs.matMul(v); // (B, nh, T, d)
    }

    /** transformers' {@code repeat_kv}: each kv head repeated n_rep times consecutively. */
    static NDArray repeatKv(NDArray kv, int nRep) {
        if (nRep == 1) {
            return kv;
        }
        Shape s = kv.getShape();
        long b = s.get(0);
        long n = s.get(1);
        long len = s.get(2);
        long d = s.get(3);
        return kv.expandDims(2) // (B, nkv, S, d) -> (B, nkv, 1, S, d)
                .broadcast(new Shape(b, n, nRep, len, d)) // -> (B, nkv, n_rep, S, d)
                .reshape(b, n * nRep, len, d); // -> (B, nkv·n_rep, S, d)
    }
}
