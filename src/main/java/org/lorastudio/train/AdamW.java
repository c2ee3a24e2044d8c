package org.lorastudio.train;

import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.kernels.Kernels;

/**
 * AdamW exactly as {@code torch.optim.AdamW} (single-tensor path, amsgrad off), step {@code t} from 1:
 * <pre>
 *   p  *= 1 - lr·wd                                  (decoupled weight decay)
 *   m   = β1·m + (1−β1)·g
 *   v   = β2·v + (1−β2)·g²
 *   denom = √v / √(1−β2^t) + eps                      (eps after the bias correction, unlike DJL's Adam)
 *   p  -= (lr / (1−β1^t)) · m / denom
 * </pre>
 * Slots are named like torch's state dict: {@code exp_avg}, {@code exp_avg_sq}.
 */
public final class AdamW extends StatefulOptimizer {
    /** torch.optim.AdamW defaults, which are also SPEC §4's (weight_decay 0.01, betas 0.9/0.999, eps 1e-8). */
    public static final Settings DEFAULTS = new Settings(0.9, 0.999, 1e-8, 0.01);

    private final Settings settings;

    /** Hyper-parameters ({@code adam_beta1}, {@code adam_beta2}, {@code adam_epsilon}, {@code weight_decay}). */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
        public Settings {
            checkBeta("adam_beta1", beta1);
            checkBeta("adam_beta2", beta2);
            if (!(epsilon >= 0)) {
                throw new IllegalArgumentException("adam_epsilon must be >= 0, found " + epsilon);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight_decay must be >= 0, found " + weightDecay);
            }
        }
    }

    public AdamW(Settings settings) {
        super(List.of("exp_avg", "exp_avg_sq"));
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return OptimizerType.ADAMW.configName();
    }

    /**
     * All tensors in one call to torch's {@code _fused_adamw_} (same formula, evaluated per element in one pass;
     * AdamWParityTest holds it to torch.optim.AdamW), when the kernel is active. The step number is ours: the kernel
     * reads it and does not advance it.
     */
    @Override
    boolean updateAll(List<NDArray> params, List<Map<String, NDArray>> slots, double lr, long t) {
        return fusedStep(Kernels.Kernel.ADAMW, params, slots, lr, settings.beta1(), settings.beta2(),
                settings.weightDecay(), settings.epsilon(), (double) t);
    }

    @Override
    void update(NDArray p, NDArray g, Map<String, NDArray> slots, double lr, long t) {
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        NDArray m = slots.get("exp_avg");
        NDArray v = slots.get("exp_avg_sq");
        p.muli(1 - lr * settings.weightDecay());
        m.muli(b1).addi(g.mul(1 - b1));
        v.muli(b2).addi(g.mul(g).muli(1 - b2));
        double biasCorrection1 = 1 - Math.pow(b1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        double stepSize = lr / biasCorrection1;
        NDArray denom = v.sqrt().divi(biasCorrection2Sqrt).addi(settings.epsilon());
        p.subi(m.mul(stepSize).divi(denom)); // torch addcdiv_: value·t1/t2
    }

    static void checkBeta(String key, double beta) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), found " + beta);
        }
    }
}
