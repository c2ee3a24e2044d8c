package org.lorastudio.nn;

import ai.djl.ndarray.NDArray;

/**
 * A side-car added to a layer's output (STYLE 11): {@code y = base(x) + delta(x)}. The base layer's weights and
 * keys never change, so removing the adapter restores the base model exactly.
 */
public interface Adapter {
    /** The contribution to add to the layer's output for {@code input}. */
    NDArray delta(NDArray input);
}
