package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Embedding;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * transformers' {@code LlamaModel}: token embedding, the decoder layers and the final RMSNorm; builds the causal
 * (+ sliding-window, + padding) mask and the rotary tables once per forward and shares them with every layer.
 */
public final class LlamaModel extends Module {
    /**
     * Additive mask value: large enough that exp underflows to exactly 0, finite so that a row with every key
     * masked (a padding query) gives a uniform softmax instead of NaN, and so that two masks can be summed.
     */
    static final float MASKED = -1e30f;

    private final LlamaConfig config;
    private final Embedding embedTokens;
    private final ModuleList<LlamaDecoderLayer> layers;
    private final LlamaRMSNorm norm;
    private final LlamaRotaryEmbedding rotary;

    public LlamaModel(LlamaConfig config) {
        this.config = config;
        this.embedTokens = child("embed_tokens", new Embedding(config.vocabSize(), config.hiddenSize()));
        this.layers = child("layers", new ModuleList<>());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new LlamaDecoderLayer(config, i));
        }
        this.norm = child("norm", new LlamaRMSNorm(config.hiddenSize(), config.rmsNormEps()));
        this.rotary = new LlamaRotaryEmbedding(config);
    }

    public Embedding embedTokens() {
        return embedTokens;
    }

    /**
     * @param inputIds      (B, T) int64
     * @param attentionMask (B, S) with 1 = attend, 0 = padding, S = cached + T; or null (attend to everything)
     * @param cache         keys/values of earlier positions (appended to), or null
     * @return the final hidden states (B, T, H)
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        Shape s = inputIds.getShape();
        if (s.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be (B, T), found " + s);
        }
        int t = Math.toIntExact(s.get(1));
        long past = cache == null ? 0 : cache.length();
        NDManager m = inputIds.getManager();
        NDArray h = embedTokens.forward(inputIds); // (B, T) -> (B, T, H)
        LlamaRotaryEmbedding.Tables rope = rotary.tables(m, past, t, h.getDataType());
        NDArray mask = causalMask(m, past, t); // (1, 1, T, S)
        org.lorastudio.runtime.Placement.inputs("Llama_inputs", null, inputIds, attentionMask, mask);
        if (attentionMask != null) {
            long total = attentionMask.getShape().get(1);
            if (total != past + t) {
                throw new IllegalArgumentException("attention mask covers " + total + " positions, expected "
                        + (past + t));
            }
            NDArray pad = attentionMask.toType(DataType.FLOAT32, false).neg().add(1f).mul(MASKED) // (B, S)
                    .reshape(attentionMask.getShape().get(0), 1, 1, total); // -> (B, 1, 1, S)
            mask = mask.add(pad); // -> (B, 1, T, S)
        }
        for (LlamaDecoderLayer layer : layers) {
            h = layer.forward(h, rope, mask, cache);
        }
        if (cache != null) {
            cache.advance(t);
        }
        return norm.forward(h);
    }

    /** Query i (absolute position past + i) sees key j when j ≤ past + i (and within the sliding window). */
    private NDArray causalMask(NDManager m, long past, int t) {
        int total = Math.toIntExact(past + t);
        int window = config.slidingWindow().orElse(Integer.MAX_VALUE);
        float[] mask = new float[t * total];
        for (int i = 0; i < t; i++) {
            long pos = past + i;
            for (int j = 0; j < total; j++) {
                if (j > pos || pos - j >= window) {
                    mask[i * total + j] = MASKED;
                }
            }
        }
        return org.lorastudio.nn.Weights.owned(m.create(mask, new Shape(1, 1, t, total)));
    }
}
