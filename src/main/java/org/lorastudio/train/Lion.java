package org.lorastudio.train;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as in lucidrains' {@code lion-pytorch}
 * and the official implementation:
 * <pre>
 *   p  *= 1 − lr·wd
 *   p  −= lr · sign(β1·m + (1−β1)·g)
 *   m   = β2·m + (1−β2)·g
 * </pre>
 * Slot name {@code exp_avg} as in lion-pytorch. Typical LRs are 3–10× smaller than AdamW's, with larger weight decay.
 */
public final class Lion extends StatefulOptimizer {
    /** lion-pytorch defaults: betas (0.9, 0.99), weight decay 0. */
    public static final Settings DEFAULTS = new Settings(0.9, 0.99, 0.0);

    private final Settings settings;

    /** Hyper-parameters. */
    public record Settings(double beta1, double beta2, double weightDecay) {
        public Settings {
            AdamW.checkBeta("beta1", beta1);
            AdamW.checkBeta("beta2", beta2);
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight_decay must be >= 0, found " + weightDecay);
            }
        }
    }

    public Lion(Settings settings) {
        super(List.of("exp_avg"));
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return OptimizerType.LION.configName();
    }

    /**
     * All tensors in one call to the {@code lion} TorchScript kernel (the same element-wise operations in the same
     * order as {@link #update}, as {@code torch._foreach_*} over the lists), when the kernel is active.
     */
    @Override
    boolean updateAll(List<NDArray> params, List<Map<String, NDArray>> slots, double lr, long t) {
        return fusedStep(org.lorastudio.nn.kernels.Kernels.Kernel.LION, params, slots, lr, settings.beta1(), settings.beta2(), settings.weightDecay());
    }

    @Override
    void update(NDArray p, NDArray g, Map<String, NDArray> slots, double lr, long t) {
        NDArray m = slots.get("exp_avg");
        p.muli(1 - lr * settings.weightDecay());
        NDArray update = m.mul(settings.beta1()).addi(g.mul(1 - settings.beta1())).sign();
        p.subi(update.muli(lr));
        m.muli(settings.beta2()).addi(g.mul(1 - settings.beta2()));
    }
}
