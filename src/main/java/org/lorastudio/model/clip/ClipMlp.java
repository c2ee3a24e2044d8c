package org.lorastudio.model.clip;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/** transformers' {@code CLIPMLP}: fc1 → activation (quick_gelu for CLIP) → fc2. */
final class ClipMlp extends Module {
    private final boolean quickGelu;
    private final Linear fc1;
    private final Linear fc2;

    ClipMlp(ClipTextConfig config) {
        this.quickGelu = "quick_gelu".equals(config.hiddenAct());
        this.fc1 = child("fc1", new Linear(config.hiddenSize(), config.intermediateSize(), true));
        this.fc2 = child("fc2", new Linear(config.intermediateSize(), config.hiddenSize(), true));
    }

    /** (B, T, D) → (B, T, D). */
    NDArray forward(NDArray x) {
        NDArray h = fc1.forward(x);
        return fc2.forward(quickGelu ? Functional.quickGelu(h) : Functional.gelu(h));
    }
}
