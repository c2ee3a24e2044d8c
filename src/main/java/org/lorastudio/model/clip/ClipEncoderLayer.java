package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.LayerNorm;
import org.lorastudio.nn.Module;

/** transformers' {@code CLIPEncoderLayer}: pre-LN self-attention and MLP, each with a residual. */
final class ClipEncoderLayer extends Module {
    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final ClipMlp mlp;
    private final LayerNorm layerNorm2;

    ClipEncoderLayer(ClipTextConfig config) {
        this.selfAttn = child("self_attn", new ClipAttention(config));
        this.layerNorm1 = child("layer_norm1", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        this.mlp = child("mlp", new ClipMlp(config));
        this.layerNorm2 = child("layer_norm2", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    /** (B, T, D) → (B, T, D). */
    NDArray forward(NDArray x, NDArray causalMask) {
        NDArray h = x.add(selfAttn.forward(layerNorm1.forward(x), causalMask));
        return h.add(mlp.forward(layerNorm2.forward(h)));
    }
}
