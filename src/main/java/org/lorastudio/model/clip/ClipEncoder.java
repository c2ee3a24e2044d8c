package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/** transformers' {@code CLIPEncoder}: a stack of {@link ClipEncoderLayer}s. */
final class ClipEncoder extends Module {
    private final ModuleList<ClipEncoderLayer> layers;

    ClipEncoder(ClipTextConfig config) {
        ModuleList<ClipEncoderLayer> list = new ModuleList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            list.add(new ClipEncoderLayer(config));
        }
        this.layers = child("layers", list);
    }

    /** Runs the first {@code count} layers on (B, T, D), the rest are skipped (clip skip). */
    NDArray forward(NDArray hidden, NDArray causalMask, int count) {
        NDArray h = hidden;
        for (int i = 0; i < count; i++) {
            h = layers.get(i).forward(h, causalMask);
        }
        return h;
    }
}
