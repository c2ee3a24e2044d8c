package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code Attention} ({@code attention_processor.py}) with the plain {@code AttnProcessor}:
 * {@code to_q}, {@code to_k}, {@code to_v} without bias, {@code to_out.0} with bias ({@code to_out.1} is dropout,
 * no weights); softmax(QKᵀ·d^−½)V per head. Self-attention when no context is given.
 */
public final class Attention extends Module {
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final boolean upcastAttention;
    private int queryChunk;

    /**
     * @param queryDim          width of the hidden states
     * @param crossAttentionDim width of the context, or 0 for self-attention
     * @param heads             number of heads; head size = queryDim / heads
     * @param upcastAttention   compute attention in float32 when the inputs are half precision
     */
    public Attention(int queryDim, int crossAttentionDim, int heads, boolean upcastAttention) {
        int kvDim = crossAttentionDim > 0 ? crossAttentionDim : queryDim;
        this.toQ = child("to_q", new Linear(queryDim, queryDim, false));
        this.toK = child("to_k", new Linear(kvDim, queryDim, false));
        this.toV = child("to_v", new Linear(kvDim, queryDim, false));
        this.toOut = child("to_out", new ModuleList<Linear>()).add(new Linear(queryDim, queryDim, true)).get(0);
        this.heads = heads;
        this.upcastAttention = upcastAttention;
    }

    /**
     * @param hidden  (B, T, C)
     * @param context (B, S, D) encoder hidden states, or null for self-attention
     * @return (B, T, C)
     */
    public NDArray forward(NDArray hidden, NDArray context) {
        return Scoped.run(() -> {
            NDArray kv = context == null ? hidden : context;
            NDArray q = toQ.forward(hidden);
            NDArray k = toK.forward(kv);
            NDArray v = toV.forward(kv);
            DataType dt = q.getDataType();
            if (upcastAttention && dt != DataType.FLOAT32) {
                NDArray out = attend(Functional.cast(q, DataType.FLOAT32), Functional.cast(k, DataType.FLOAT32),
                        Functional.cast(v, DataType.FLOAT32)); // casts that keep the graph (fp16 training)
                return toOut.forward(Functional.cast(out, dt));
            }
            return toOut.forward(attend(q, k, v));
        });
    }

    /**
     * softmax(QKᵀ·d^−½)V over all heads. With a query chunk, each chunk runs in its own scope so its (chunk × S)
     * score matrices are freed before the next chunk starts; that is what bounds memory (chunking inside
     * {@code Functional.attention} alone keeps every chunk's scores alive until the caller's scope closes).
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v) {
        long tokens = q.getShape().get(1);
        if (queryChunk <= 0 || queryChunk >= tokens) {
            return Functional.attention(q, k, v, heads, null, 0);
        }
        NDList parts = new NDList();
        for (long start = 0; start < tokens; start += queryChunk) {
            NDIndex rows = new NDIndex(":, {}:{}, :", start, Math.min(tokens, start + queryChunk));
            parts.add(Scoped.run(() -> Functional.attention(q.get(rows), k, v, heads, null, 0)));
        }
        return NDArrays.concat(parts, 1); // n × (B, chunk, C) -> (B, T, C)
    }

    /** Processes queries in chunks of this size (0 = all at once) to bound the score matrix's memory. */
    public void setQueryChunk(int queryChunk) {
        this.queryChunk = Math.max(0, queryChunk);
    }

    public int heads() {
        return heads;
    }
}
