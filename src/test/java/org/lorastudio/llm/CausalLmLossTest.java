package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.AdamW;

class CausalLmLossTest {
    @Test
    void lossPredictsTheNextTokenAndSkipsIgnoredLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            // B=1, T=3, V=2: position 0 predicts label[1], position 1 predicts label[2] (ignored), position 2 none.
            NDArray logits = m.create(new float[] {0, 0, 2, 0, 9, 9}, new Shape(1, 3, 2));
            NDArray labels = m.create(new long[] {-100, 1, -100}, new Shape(1, 3));
            double expected = -Math.log(0.5); // softmax([0, 0])[1]
            assertThat(CausalLmLoss.loss(logits, labels).getFloat()).isCloseTo((float) expected, within(1e-6f));
            assertThat(CausalLmLoss.count(labels)).isEqualTo(1);
            NDArray two = m.create(new long[] {5, 1, 0}, new Shape(1, 3));
            double both = (-Math.log(0.5) - Math.log(Math.exp(2) / (Math.exp(2) + 1))) / 2;
            assertThat(CausalLmLoss.loss(logits, two).getFloat()).isCloseTo((float) both, within(1e-6f));
            NDArray none = m.create(new long[] {-100, -100, -100}, new Shape(1, 3));
            assertThat(CausalLmLoss.loss(logits, none).getFloat()).isZero();
        }
    }

    /**
     * LoRA r 8 on q_proj/v_proj of llama-tiny-a, AdamW lr 1e-3, 20 steps on four fixed sequences whose second half
     * is the response: the loss must fall by more than 10 % and keep falling. Every step runs in an NDScope.
     */
    @Test
    @SuppressWarnings("try")
    void twentyAdamWStepsOnLoraLowerTheLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LlamaForCausalLM model = LlamaForCausalLM.fromPretrained(Fixtures.path("llama-tiny-a"), manager);
            PeftConfig cfg = new PeftConfig(8, 16, List.of("q_proj", "v_proj"), Optional.empty(), 0, false,
                    "CAUSAL_LM", Optional.empty());
            LoraNetwork net = PeftAdapter.create(model, cfg, manager, new Random(7));
            net.attach();
            net.setTrainable(true);
            Map<String, NDArray> params = net.namedArrays();
            List<TokenizedExample> data = new ArrayList<>();
            Random r = new Random(3);
            for (int i = 0; i < 4; i++) {
                long[] ids = new long[16];
                long[] labels = new long[16];
                ids[0] = 1;
                labels[0] = -100;
                for (int j = 1; j < 16; j++) {
                    ids[j] = j < 8 ? 3 + r.nextInt(250) : 42; // prompt random, response one repeated token
                    labels[j] = j < 8 ? -100 : ids[j];
                }
                data.add(new TokenizedExample(ids, labels, false, "toy:" + i));
            }
            LlmBatch batch = LlmBatch.collate(data, 0);
            LlmBatch.Arrays3 arrays = batch.toArrays(manager);
            List<Float> losses = new ArrayList<>();
            try (AdamW opt = new AdamW(AdamW.DEFAULTS)) {
                for (int step = 0; step < 20; step++) {
                    try (NDScope scope = new NDScope()) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = model.forward(arrays.inputIds(), arrays.attentionMask());
                            NDArray loss = CausalLmLoss.loss(logits, arrays.labels());
                            gc.backward(loss);
                            losses.add(loss.getFloat());
                        }
                        opt.step(params, 1e-3);
                    }
                }
            }
            System.out.printf("[train] llama-tiny-a LoRA q,v r8, AdamW 1e-3: loss %.4f -> %.4f (20 steps) %s%n",
                    losses.get(0), losses.get(19), losses);
            // The drop is bounded by the fixture: B starts at zero and AdamW moves it ~lr per step, so 20 steps at
            // 1e-3 give about 15 %; 10 % with a strictly falling loss over the last steps is a real, stable signal.
            assertThat(losses.get(19)).isLessThan(0.9f * losses.get(0));
            for (int i = 10; i < 20; i++) {
                assertThat(losses.get(i)).isLessThan(losses.get(i - 1));
            }
        }
    }
}
