package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.Embedding;
import org.lorastudio.nn.Module;

/**
 * transformers' {@code CLIPTextEmbeddings}: token embedding plus learned absolute position embedding. Positions are
 * generated as 0..T−1; the checkpoint's {@code position_ids} buffer is never trusted (FORMATS §3.1).
 */
final class ClipTextEmbeddings extends Module {
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;

    ClipTextEmbeddings(ClipTextConfig config) {
        this.tokenEmbedding = child("token_embedding", new Embedding(config.vocabSize(), config.hiddenSize()));
        this.positionEmbedding = child("position_embedding",
                new Embedding(config.maxPositionEmbeddings(), config.hiddenSize()));
    }

    /** (B, T) int64 → (B, T, D). */
    NDArray forward(NDArray inputIds) {
        long t = inputIds.getShape().get(1);
        NDArray positions = inputIds.getManager().arange(0, (int) t, 1, DataType.INT64); // (T)
        return tokenEmbedding.forward(inputIds).add(positionEmbedding.forward(positions)); // (B,T,D) + (T,D)
    }
}
