package org.lorastudio.model.unet;

import java.util.List;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;

/**
 * How a block runs its layers: directly, or each layer as its own gradient-checkpointing segment
 * ({@link CheckpointedForward#run}). Blocks pass every tensor a layer reads as an input, so a segment can be
 * recomputed from its inputs alone.
 */
@FunctionalInterface
interface Segments {
    /** Plain forward: the body runs once, nothing is recorded. */
    Segments DIRECT = (inputs, body) -> body.apply(inputs);

    List<NDArray> run(List<NDArray> inputs, Function<List<NDArray>, List<NDArray>> body);

    /** A layer with one output; the body must return a new array, not one of its inputs. */
    default NDArray one(List<NDArray> inputs, Function<List<NDArray>, NDArray> body) {
        return run(inputs, in -> List.of(body.apply(in))).get(0);
    }
}
