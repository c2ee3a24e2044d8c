package org.lorastudio.train;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * SGD as {@code torch.optim.SGD} (dampening 0, no Nesterov): L2 weight decay added to the gradient,
 * {@code d = g + wd·p}; with momentum μ {@code buf = μ·buf + d} (the first step copies {@code d}, which the zero
 * initial buffer reproduces exactly); {@code p −= lr·buf} (or {@code lr·d} without momentum).
 * Slot name {@code momentum_buffer} as in torch.
 */
public final class Sgd extends StatefulOptimizer {
    /** Momentum 0.9, no weight decay. */
    public static final Settings DEFAULTS = new Settings(0.9, 0.0);

    private final Settings settings;

    /** Hyper-parameters; momentum 0 = plain SGD (no state). */
    public record Settings(double momentum, double weightDecay) {
        public Settings {
            AdamW.checkBeta("momentum", momentum);
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight_decay must be >= 0, found " + weightDecay);
            }
        }
    }

    public Sgd(Settings settings) {
        super(settings.momentum() == 0 ? List.of() : List.of("momentum_buffer"));
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return OptimizerType.SGD.configName();
    }

    /**
     * All tensors in one call to the {@code sgd} TorchScript kernel (the same element-wise operations in the same
     * order as {@link #update}, as {@code torch._foreach_*} over the lists), when the kernel is active.
     */
    @Override
    boolean updateAll(List<NDArray> params, List<Map<String, NDArray>> slots, double lr, long t) {
        return fusedStep(org.lorastudio.nn.kernels.Kernels.Kernel.SGD, params, slots, lr, settings.momentum(), settings.weightDecay());
    }

    @Override
    void update(NDArray p, NDArray g, Map<String, NDArray> slots, double lr, long t) {
        NDArray d = settings.weightDecay() == 0 ? g : g.add(p.mul(settings.weightDecay()));
        if (settings.momentum() != 0) {
            NDArray buf = slots.get("momentum_buffer");
            buf.muli(settings.momentum()).addi(d);
            d = buf;
        }
        p.subi(d.mul(lr));
    }
}
