package org.lorastudio.train;

import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;

/** Test helper: gives parameters exact gradients by back-propagating {@code Σ sum(p · g)} (so dL/dp = g). */
final class GradTestSupport {
    private GradTestSupport() {
    }

    @SuppressWarnings("try") // scopes and grad-mode guards are used for their close() only
    static void setGradients(Map<String, NDArray> params, Map<String, NDArray> grads) {
        try (NDScope scope = new NDScope();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray term = e.getValue().mul(grads.get(e.getKey())).sum();
                loss = loss == null ? term : loss.add(term);
            }
            gc.backward(loss);
        }
    }
}
