package org.lorastudio.model.unet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gradient checkpointing by segment recompute (FORMATS §8: DJL has none built in). The forward pass runs every
 * segment (conv_in + time embedding, each down block, the mid block, each up block with the output head) with
 * autograd off, keeping only the tensors that cross segment boundaries; those become leaves that collect
 * gradients. After the loss's backward has filled the output's gradient, {@link #backward()} walks the segments in
 * reverse: it recomputes one segment with autograd on from its stored inputs and back-propagates
 * Σ sum(output · grad(output)) through it, which accumulates the LoRA weights' gradients and the gradients of the
 * segment's inputs (skip connections collect theirs from every consumer, since leaf gradients accumulate). Peak
 * memory then holds one segment's activations instead of the whole network's, for about one extra forward pass.
 *
 * <p>Segments are whole blocks, or (finer) single layers: each resnet, each transformer and each resampler. Finer
 * segments keep more boundary tensors but far smaller recompute peaks. Each segment's recompute runs in its own
 * {@link NDScope}, and once a segment is done its outputs (and their accumulated gradients) are released, since
 * every consumer of them came later in the forward pass and so was processed earlier.
 */
public final class CheckpointedForward implements Segments {
    private record Segment(List<NDArray> inputs, Function<List<NDArray>, List<NDArray>> body,
                           List<NDArray> outputs) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final NDArray contextLeaf;
    private final NDArray contextSource;
    private NDArray output;

    CheckpointedForward(NDArray contextSource, boolean needsContextGrad) {
        this.contextSource = contextSource;
        this.contextLeaf = needsContextGrad ? contextSource.duplicate() : contextSource;
        if (needsContextGrad) {
            contextLeaf.setRequiresGradient(true);
        }
    }

    NDArray context() {
        return contextLeaf;
    }

    /** Runs {@code body} without autograd and records it; its outputs become gradient-collecting leaves. */
    @Override
    public List<NDArray> run(List<NDArray> inputs, Function<List<NDArray>, List<NDArray>> body) {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        List<NDArray> outs;
        try (NDScope scope = new NDScope()) { // frees what the body creates outside its layers' own scopes
            outs = body.apply(inputs);
            outs.forEach(NDScope::unregister);
        } finally {
            JniUtils.setGradMode(prev);
        }
        outs.forEach(NDScope::register);
        for (NDArray o : outs) {
            o.setRequiresGradient(true);
        }
        segments.add(new Segment(List.copyOf(inputs), body, List.copyOf(outs)));
        return outs;
    }

    /**
     * Back-propagates unless nothing in the segment is trainable. DJL offers no safe test for "has a grad
     * function" (its requiresGrad answers false for non-leaves, and asking for the grad function's name of an
     * untracked tensor crashes the JVM), so torch's own refusal is the test.
     */
    private static void backwardIfTracked(NDArray out, NDArray grad) {
        try {
            JniUtils.backward((PtNDArray) out, (PtNDArray) grad, false, false);
        } catch (ai.djl.engine.EngineException e) {
            if (!String.valueOf(e.getMessage()).contains("does not require grad")) {
                throw e;
            }
        }
    }

    void setOutput(NDArray output) {
        this.output = output;
    }

    /** The UNet output, a leaf: compute the loss from it, back-propagate, then call {@link #backward()}. */
    public NDArray output() {
        return output;
    }

    /** Back-propagates the output's gradient through every segment (recomputing each once). */
    public void backward() {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            for (int i = segments.size() - 1; i >= 0; i--) {
                Segment s = segments.get(i);
                try (NDScope scope = new NDScope()) {
                    List<NDArray> outs = s.body().apply(s.inputs());
                    NDArray objective = null;
                    Set<NDArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                    for (int k = 0; k < outs.size(); k++) {
                        NDArray leaf = s.outputs().get(k);
                        // a block can return one tensor twice (its output is also its last skip): count it once
                        if (!leaf.hasGradient() || !seen.add(leaf)) {
                            continue;
                        }
                        NDArray term = outs.get(k).mul(leaf.getGradient()).sum();
                        objective = objective == null ? term : objective.add(term);
                    }
                    if (objective != null) {
                        backwardIfTracked(objective, objective.onesLike());
                    }
                }
                if (i < segments.size() - 1) { // the last output is the caller's; the others are consumed by now
                    s.outputs().forEach(NDArray::close);
                }
            }
            if (contextLeaf != contextSource && contextLeaf.hasGradient()) {
                NDArray g = contextLeaf.getGradient();
                backwardIfTracked(contextSource, g);
            }
        } finally {
            JniUtils.setGradMode(prev);
        }
    }
}
