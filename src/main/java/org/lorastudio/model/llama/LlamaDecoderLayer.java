package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;

/**
 * transformers' {@code LlamaDecoderLayer} (pre-norm): {@code h += self_attn(input_layernorm(h))},
 * {@code h += mlp(post_attention_layernorm(h))}. Registered in the reference order (self_attn, mlp, norms).
 */
public final class LlamaDecoderLayer extends Module {
    private final int index;
    private final LlamaAttention selfAttn;
    private final LlamaMLP mlp;
    private final LlamaRMSNorm inputLayernorm;
    private final LlamaRMSNorm postAttentionLayernorm;

    public LlamaDecoderLayer(LlamaConfig config, int index) {
        this.index = index;
        this.selfAttn = child("self_attn", new LlamaAttention(config));
        this.mlp = child("mlp", new LlamaMLP(config));
        this.inputLayernorm = child("input_layernorm", new LlamaRMSNorm(config.hiddenSize(), config.rmsNormEps()));
        this.postAttentionLayernorm = child("post_attention_layernorm",
                new LlamaRMSNorm(config.hiddenSize(), config.rmsNormEps()));
    }

    /** (B, T, H) → (B, T, H). */
    public NDArray forward(NDArray h, LlamaRotaryEmbedding.Tables rope, NDArray mask, KvCache cache) {
        NDArray x = h.add(selfAttn.forward(inputLayernorm.forward(h), rope, mask, cache, index));
        return x.add(mlp.forward(postAttentionLayernorm.forward(x)));
    }
}
