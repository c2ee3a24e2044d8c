package org.lorastudio.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

/**
 * llama-tiny-a logits against transformers 4.38 (eager attention, float32, CPU). Tolerance 1e-4 relative L2: the
 * same float32 math in another order of summation differs by ~1e-6; 1e-4 still catches any layout mistake (rope
 * halves vs pairs, GQA head mapping, norm placement), each of which moves the logits by > 1e-1.
 */
@Tag("parity")
class LlamaParityTest {
    static NDManager manager;
    static SafetensorsFile ref;
    static LlamaForCausalLM model;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        ref = Fixtures.open("llama-tiny-a/reference.safetensors");
        model = LlamaForCausalLM.fromPretrained(Fixtures.path("llama-tiny-a"), manager);
    }

    @AfterAll
    static void close() throws Exception {
        ref.close();
        manager.close();
    }

    @Test
    void registeredNamesAreTheHuggingFaceKeys() {
        assertThat(model.weights().keySet()).contains("model.embed_tokens.weight",
                "model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.down_proj.weight",
                "model.layers.1.post_attention_layernorm.weight", "model.norm.weight", "lm_head.weight");
        assertThat(model.weights()).hasSize(2 + 1 + 2 * 9);
    }

    @Test
    void baseLogitsMatchTransformers() {
        try (NDManager m = manager.newSubManager()) {
            NDArray logits = model.forward(Fixtures.tensor(ref, "input_ids", m));
            double err = Fixtures.relL2(logits, Fixtures.tensor(ref, "logits.base", m));
            System.out.printf("[parity] llama-tiny-a logits.base rel L2 %.2e%n", err);
            assertThat(err).isLessThan(1e-4);
        }
    }

    @Test
    void kvCacheGivesTheSameLogitsAsOneFullPass() {
        try (NDManager m = manager.newSubManager(); KvCache cache = model.newCache(m)) {
            NDArray ids = Fixtures.tensor(ref, "input_ids", m);
            NDArray first = model.forward(ids.get(new NDIndex(":, :7")), null, cache);
            NDArray rest = model.forward(ids.get(new NDIndex(":, 7:")), null, cache);
            assertThat(cache.length()).isEqualTo(12);
            NDArray expected = Fixtures.tensor(ref, "logits.base", m);
            assertThat(Fixtures.relL2(first, expected.get(new NDIndex(":, :7")))).isLessThan(1e-4);
            assertThat(Fixtures.relL2(rest, expected.get(new NDIndex(":, 7:")))).isLessThan(1e-4);
        }
    }

    @Test
    void paddingMaskLeavesRealTokensUnchanged() {
        try (NDManager m = manager.newSubManager()) {
            NDArray ids = Fixtures.tensor(ref, "input_ids", m);
            long[] mask = new long[24];
            for (int i = 0; i < 24; i++) {
                mask[i] = i % 12 < 9 ? 1 : 0; // last 3 positions of each row are padding (right padding)
            }
            NDArray logits = model.forward(ids, m.create(mask, new ai.djl.ndarray.types.Shape(2, 12)));
            NDArray expected = Fixtures.tensor(ref, "logits.base", m);
            assertThat(Fixtures.relL2(logits.get(new NDIndex(":, :9")), expected.get(new NDIndex(":, :9"))))
                    .isLessThan(1e-4);
        }
    }
}
