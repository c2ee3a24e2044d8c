package org.lorastudio.train;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Parameter;

/**
 * An optimizer over named DJL arrays with state that can be saved and restored bit-exactly (SPEC §5: a resumed run
 * continues as if it had never stopped). Own implementations rather than {@code ai.djl.training.optimizer}: DJL keeps
 * its state in private maps keyed by parameter id with no export, and its AdamW differs slightly from torch's.
 *
 * <p>{@link #step} reads each array's accumulated gradient ({@code array.getGradient()}), updates the array in
 * place without recording autograd (grad mode off, see {@link NoGrad}), then zeroes the gradient, because DJL
 * accumulates gradients across collectors until they are zeroed (FORMATS §8). {@code requiresGradient} stays set.
 * Parameters must be float32 (LoRA weights and optimizer state stay fp32, FORMATS §8) and own their memory: an array
 * made by {@code manager.create(directBuffer, …)} over a read-only file mapping (as {@code Weights.toNDArray} does for
 * F32 tensors) is a view of that mapping, and updating it in place kills the JVM with SIGSEGV; copy it first
 * ({@code duplicate()}).
 *
 * <p>Threading: like every native resource, an optimizer belongs to the trainer thread (STYLE 7).
 */
public interface Optimizer extends AutoCloseable {

    /** The config name ({@code adamw}, {@code lion}, {@code sgd}); stored with the state and checked on restore. */
    String name();

    /**
     * Applies one update with learning rate {@code lr} to every array of {@code params} (iteration order is the
     * state order) and zeroes their gradients. Temporary arrays are closed before returning.
     */
    void step(Map<String, NDArray> params, double lr);

    /** Number of {@link #step} calls so far (torch's {@code state['step']}), including restored ones. */
    long stepCount();

    /** A copy of the state (step count and every buffer as float32 values) for a checkpoint. */
    OptimizerState state();

    /**
     * Replaces the state by a saved one. Buffers are materialised at the next {@link #step}, where each is checked
     * against its parameter's shape; a parameter without saved state, or saved state without a parameter, is an
     * error then (a resumed run must train the same parameters).
     */
    void restore(OptimizerState state);

    /** Frees the native state buffers. */
    @Override
    void close();

    /** The trainable arrays of a module's named parameters, in state-dict order. */
    static Map<String, NDArray> trainable(Map<String, Parameter> params) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            if (p.isTrainable()) {
                out.put(name, p.array());
            }
        });
        return out;
    }
}
