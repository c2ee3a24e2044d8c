package org.lorastudio.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.runtime.NoGrad;

/**
 * Shared machinery of the optimizers: per-parameter state buffers ("slots") in the optimizer's own sub-manager,
 * grad mode off, one {@link NDScope} per parameter update so temporaries never pile up in the weights' manager,
 * gradient zeroing, and state export / restore.
 */
abstract class StatefulOptimizer implements Optimizer {
    private final List<String> slotNames;
    private final Map<String, Map<String, NDArray>> slots = new LinkedHashMap<>();
    private Map<String, OptimizerState.Buffer> pending = Map.of();
    private NDManager stateManager;
    private long step;

    StatefulOptimizer(List<String> slotNames) {
        this.slotNames = List.copyOf(slotNames);
    }

    /**
     * Updates {@code param} in place from {@code grad}. {@code slots} holds this parameter's buffers by slot name;
     * {@code t} is the 1-based step number. Called with grad mode off inside an {@link NDScope}.
     */
    abstract void update(NDArray param, NDArray grad, Map<String, NDArray> slots, double lr, long t);

    /**
     * Updates every parameter and zeroes its gradient in one native call, or returns false (having changed nothing)
     * so that {@link #update} runs per parameter. {@code slots} is in {@code params}' order; grad mode is off.
     */
    boolean updateAll(List<NDArray> params, List<Map<String, NDArray>> slots, double lr, long t) {
        return false;
    }

    /** Frees what {@link #updateAll} keeps between steps; called when the state buffers are replaced or closed. */
    void releaseGroup() {
        if (group != null) {
            group.close();
            group = null;
            groupArrays = List.of();
        }
    }

    /** The fused kernel's native lists over the tensors of the last step, reused while they stay the same. */
    private org.lorastudio.nn.kernels.Kernels.TensorGroup group;
    private List<NDArray> groupArrays = List.of();

    /**
     * {@link #updateAll} through a TorchScript kernel: the parameters and each slot's list (in slot order; with no
     * slots the parameters again, which the kernel then ignores) in one native call with hyper-parameters {@code hp}.
     */
    final boolean fusedStep(org.lorastudio.nn.kernels.Kernels.Kernel kernel, List<NDArray> params,
                            List<Map<String, NDArray>> groupSlots, double... hp) {
        List<List<NDArray>> lists = new ArrayList<>();
        lists.add(params);
        for (String slot : slotNames) {
            lists.add(groupSlots.stream().map(m -> m.get(slot)).toList());
        }
        if (slotNames.isEmpty()) {
            lists.add(params);
        }
        List<NDArray> arrays = lists.stream().flatMap(List::stream).toList();
        if (group == null || !sameArrays(arrays, groupArrays)) {
            releaseGroup();
            group = org.lorastudio.nn.kernels.Kernels.group(kernel, lists).orElse(null);
            groupArrays = group == null ? List.of() : arrays;
        }
        return group != null && group.step(hp);
    }

    private static boolean sameArrays(List<NDArray> a, List<NDArray> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("try") // scopes and grad-mode guards are used for their close() only
    @Override
    public final void step(Map<String, NDArray> params, double lr) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name() + ": no parameters to optimize");
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(name() + ": learning rate must be finite and >= 0, found " + lr);
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (e.getValue().getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(name() + ": parameter '" + e.getKey() + "' is "
                        + e.getValue().getDataType() + "; trainable parameters must be float32");
            }
            if (!e.getValue().hasGradient()) {
                throw new IllegalArgumentException(name() + ": parameter '" + e.getKey()
                        + "' does not require gradients; mark it trainable before the forward pass");
            }
        }
        checkRestoredKeys(params);
        long t = step + 1;
        try (NoGrad noGrad = NoGrad.enter()) {
            List<NDArray> arrays = new ArrayList<>(params.size());
            List<Map<String, NDArray>> groupSlots = new ArrayList<>(params.size());
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                arrays.add(e.getValue());
                groupSlots.add(slotsFor(e.getKey(), e.getValue()));
                if (org.lorastudio.runtime.Placement.checking()) {
                    checkPlacement(e.getKey(), e.getValue(), groupSlots.get(groupSlots.size() - 1));
                }
            }
            if (!updateAll(arrays, groupSlots, lr, t)) {
                for (int i = 0; i < arrays.size(); i++) {
                    NDArray param = arrays.get(i);
                    try (NDScope scope = new NDScope()) {
                        update(param, param.getGradient(), groupSlots.get(i), lr, t);
                    }
                    NoGrad.zeroGradient(param);
                }
            }
        }
        step = t;
        pending = Map.of();
    }

    /** The placement test mode (runtime.Placement): parameter, gradient and state share device and the param's type. */
    private void checkPlacement(String key, NDArray param, Map<String, NDArray> paramSlots) {
        try (NDArray grad = param.getGradient()) { // a handle of its own, closed without touching the values
            List<NDArray> arrays = new ArrayList<>();
            arrays.add(param);
            arrays.add(grad);
            arrays.addAll(paramSlots.values());
            org.lorastudio.runtime.Placement.inputs(name() + " '" + key + "' (param, grad, " + paramSlots.keySet()
                    + ")", param.getDataType(), arrays);
        }
    }

    private void checkRestoredKeys(Map<String, NDArray> params) {
        if (pending.isEmpty() && (slotNames.isEmpty() || step == 0 || !slots.isEmpty())) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            for (String slot : slotNames) {
                String key = e.getKey() + "." + slot;
                OptimizerState.Buffer b = pending.get(key);
                if (b == null && !slots.containsKey(e.getKey())) {
                    problems.add("no saved state '" + key + "'");
                } else if (b != null && !new Shape(b.shape()).equals(e.getValue().getShape())) {
                    problems.add("saved state '" + key + "' has shape " + new Shape(b.shape()) + ", parameter has "
                            + e.getValue().getShape());
                }
            }
        }
        for (String key : pending.keySet()) {
            String param = key.substring(0, key.lastIndexOf('.'));
            if (!params.containsKey(param)) {
                problems.add("saved state '" + key + "' belongs to no parameter being trained");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(name() + " state does not match the parameters: "
                    + String.join("; ", problems));
        }
    }

    private Map<String, NDArray> slotsFor(String name, NDArray param) {
        Map<String, NDArray> s = slots.get(name);
        if (s != null) {
            return s;
        }
        if (stateManager == null) {
            stateManager = param.getManager().newSubManager();
        }
        s = new LinkedHashMap<>();
        for (String slot : slotNames) {
            OptimizerState.Buffer saved = pending.get(name + "." + slot);
            NDArray buffer = saved == null
                    ? stateManager.zeros(param.getShape(), DataType.FLOAT32)
                    : stateManager.create(saved.values(), new Shape(saved.shape()));
            NDScope.unregister(buffer); // a caller's scope must not close long-lived state
            s.put(slot, buffer);
        }
        slots.put(name, s);
        return s;
    }

    @Override
    public final long stepCount() {
        return step;
    }

    @Override
    public final OptimizerState state() {
        Map<String, OptimizerState.Buffer> buffers = new LinkedHashMap<>(pending);
        slots.forEach((param, s) -> s.forEach((slot, a) ->
                buffers.put(param + "." + slot, new OptimizerState.Buffer(a.getShape().getShape(),
                        a.toFloatArray()))));
        return new OptimizerState(name(), step, buffers);
    }

    @Override
    public final void restore(OptimizerState state) {
        if (!name().equals(state.optimizer())) {
            throw new IllegalArgumentException("saved optimizer state is for '" + state.optimizer()
                    + "', this run uses '" + name() + "'");
        }
        if (state.step() < 0) {
            throw new IllegalArgumentException("saved optimizer step must be >= 0, found " + state.step());
        }
        for (String key : state.buffers().keySet()) {
            String slot = key.substring(key.lastIndexOf('.') + 1);
            if (!slotNames.contains(slot)) {
                throw new IllegalArgumentException("saved " + name() + " state has unknown buffer '" + key
                        + "'; expected slots " + slotNames);
            }
        }
        closeSlots();
        pending = state.buffers();
        step = state.step();
    }

    private void closeSlots() {
        releaseGroup();
        slots.values().forEach(s -> s.values().forEach(NDArray::close));
        slots.clear();
    }

    @Override
    public final void close() {
        closeSlots();
        if (stateManager != null) {
            stateManager.close();
            stateManager = null;
        }
    }
}
