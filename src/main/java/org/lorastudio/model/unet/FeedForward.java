package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code FeedForward} ({@code attention.py}) with the GEGLU activation and inner width 4·dim:
 * {@code net.0} = GEGLU, {@code net.1} = dropout (no weights), {@code net.2} = Linear back to dim.
 */
public final class FeedForward extends Module {
    private final GEGLU geglu;
    private final Linear out;

    public FeedForward(int dim) {
        int inner = 4 * dim;
        ModuleList<Module> net = child("net", new ModuleList<>());
        this.geglu = new GEGLU(dim, inner);
        this.out = new Linear(inner, dim, true);
        net.add(geglu).add(new Dropout()).add(out);
    }

    /** (B, T, dim) -> (B, T, dim). */
    public NDArray forward(NDArray x) {
        return Scoped.run(() -> out.forward(geglu.forward(x)));
    }
}
