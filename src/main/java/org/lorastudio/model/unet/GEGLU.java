package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code GEGLU} ({@code activations.py}): {@code proj} maps to twice the width; the first half is
 * the value, the second the gate: {@code value · gelu(gate)} with the exact (erf) GELU.
 */
public final class GEGLU extends Module {
    private final Linear proj;

    public GEGLU(int dimIn, int dimOut) {
        this.proj = child("proj", new Linear(dimIn, dimOut * 2, true));
    }

    /** (..., dimIn) -> (..., dimOut). */
    public NDArray forward(NDArray x) {
        NDArray y = proj.forward(x);
        NDList halves = y.split(2, y.getShape().dimension() - 1); // (..., 2·dimOut) -> 2 × (..., dimOut)
        return halves.get(0).mul(Functional.gelu(halves.get(1)));
    }
}
