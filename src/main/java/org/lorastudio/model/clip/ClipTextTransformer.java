package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.LayerNorm;
import org.lorastudio.nn.Module;

/** transformers' {@code CLIPTextTransformer}: embeddings, causal pre-LN encoder, final layer norm. */
final class ClipTextTransformer extends Module {
    private final ClipTextConfig config;
    private final ClipTextEmbeddings embeddings;
    private final ClipEncoder encoder;
    private final LayerNorm finalLayerNorm;

    ClipTextTransformer(ClipTextConfig config) {
        this.config = config;
        this.embeddings = child("embeddings", new ClipTextEmbeddings(config));
        this.encoder = child("encoder", new ClipEncoder(config));
        this.finalLayerNorm = child("final_layer_norm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    NDArray forward(NDArray inputIds, int clipSkip) {
        int layers = config.numHiddenLayers();
        if (clipSkip < 1 || clipSkip > layers) {
            throw new IllegalArgumentException("clip skip must be 1.." + layers + ", found " + clipSkip);
        }
        Shape s = inputIds.getShape();
        if (s.dimension() != 2 || s.get(1) > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("input ids must be (B, T) with T <= " + config.maxPositionEmbeddings()
                    + ", found " + s);
        }
        NDArray h = embeddings.forward(inputIds); // (B, T) -> (B, T, D)
        NDArray mask = causalMask(h, (int) s.get(1)); // (1, 1, T, T)
        // hidden_states[-k] is the output of layer L - k + 1 (hidden_states[0] being the embeddings).
        h = encoder.forward(h, mask, layers - clipSkip + 1);
        return finalLayerNorm.forward(h);
    }

    /** Additive causal mask: 0 on and below the diagonal, dtype-minimum above (transformers uses finfo.min). */
    private static NDArray causalMask(NDArray like, int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = -Float.MAX_VALUE;
            }
        }
        NDArray mask = org.lorastudio.nn.Weights.owned(like.getManager().create(m, new Shape(1, 1, t, t)));
        return like.getDataType() == DataType.FLOAT32 ? mask : mask.toType(like.getDataType(), false);
    }
}
