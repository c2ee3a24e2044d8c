package org.lorastudio.model.unet;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;

/**
 * Runs a block body in its own {@link NDScope} so its intermediates are freed when it returns instead of when the
 * caller's manager closes (DJL keeps every intermediate alive until then: one SD 1.5 forward at 64×64 latents would
 * otherwise hold every attention score matrix, over 10 GB). Only the result survives; it is handed to the enclosing
 * scope, if any, so a caller's per-step scope still frees it. Closing intermediate handles is safe under autograd
 * (FORMATS §8), and a body stays a pure function of its inputs.
 */
final class Scoped {
    private Scoped() {
    }

    /** @param body must return a newly created array (not one of its inputs) */
    static NDArray run(Supplier<NDArray> body) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }
}
