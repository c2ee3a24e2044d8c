package org.lorastudio.nn;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;

/** A layer (Linear or Conv2d) that side-car {@link Adapter}s such as LoRA can attach to. */
public abstract class AdaptableLayer extends Module {
    private final List<Adapter> adapters = new ArrayList<>();

    public final void addAdapter(Adapter a) {
        adapters.add(a);
    }

    public final boolean removeAdapter(Adapter a) {
        return adapters.remove(a);
    }

    public final void clearAdapters() {
        adapters.clear();
    }

    public final List<Adapter> adapters() {
        return List.copyOf(adapters);
    }

    /** The base weight (Linear: [out, in]; Conv2d: [out, in, kh, kw]). */
    public abstract Parameter weight();

    /** Adds every adapter's delta to the base output. */
    protected final NDArray withAdapters(NDArray input, NDArray baseOutput) {
        NDArray y = baseOutput;
        for (Adapter a : adapters) {
            NDArray delta = a.delta(input);
            org.lorastudio.runtime.Placement.alike("adapter_sum", y, delta);
            y = y.add(delta);
        }
        return y;
    }
}
