package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

/**
 * One AdamW step against torch.optim.AdamW (fixture sd-tiny-a/train-step.safetensors: gradients {@code grad.<key>}
 * and weights {@code after_adamw.<key>} after one step with lr 1e-3, betas (0.9, 0.999), weight_decay 1e-2,
 * eps 1e-8, starting from lora-kohya.safetensors). Tolerance 1e-6 relative L2: the same float32 formula evaluated
 * on another libtorch build may differ by a few ulps per element.
 */
@Tag("parity")
class AdamWParityTest {
    @Test
    void oneStepMatchesTorchAdamW() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile lora = Fixtures.open("sd-tiny-a/lora-kohya.safetensors");
                SafetensorsFile step = Fixtures.open("sd-tiny-a/train-step.safetensors");
                AdamW adamw = new AdamW(new AdamW.Settings(0.9, 0.999, 1e-8, 1e-2))) {
            Map<String, NDArray> params = new LinkedHashMap<>();
            Map<String, NDArray> grads = new LinkedHashMap<>();
            for (String name : step.tensors().keySet()) {
                if (name.startsWith("grad.")) {
                    String key = name.substring("grad.".length());
                    // duplicate(): Weights.toNDArray wraps the read-only file mapping without copying, and an
                    // in-place update of such an array is a SIGSEGV.
                    NDArray p = Fixtures.tensor(lora, key, manager).duplicate();
                    p.setRequiresGradient(true);
                    params.put(key, p);
                    grads.put(key, Fixtures.tensor(step, name, manager));
                }
            }
            assertThat(params).hasSizeGreaterThan(50);
            GradTestSupport.setGradients(params, grads);
            adamw.step(params, 1e-3);

            double worst = 0;
            String worstKey = null;
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray expected = Fixtures.tensor(step, "after_adamw." + e.getKey(), manager);
                double err = Fixtures.relL2(e.getValue(), expected);
                if (err >= worst) {
                    worst = err;
                    worstKey = e.getKey();
                }
            }
            System.out.printf("AdamW parity: %d tensors, worst relative L2 %.3e (%s)%n", params.size(), worst,
                    worstKey);
            assertThat(worst).as("worst relative L2 (%s)", worstKey).isLessThan(1e-6);
            assertThat(adamw.stepCount()).isEqualTo(1);
        }
    }
}
