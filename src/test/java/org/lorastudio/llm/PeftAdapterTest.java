package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

/**
 * The PEFT adapter of llama-tiny-a (r 4, alpha 8, q_proj + v_proj, B non-zero) against peft 0.8.2: side-car logits,
 * a write/read round trip and a merged model folder. Tolerance 1e-4 relative L2 (float32 throughout, see
 * LlamaParityTest); round trip and merge are compared with our own side-car output.
 */
@Tag("parity")
class PeftAdapterTest {
    static NDManager manager;
    static SafetensorsFile ref;
    static LlamaForCausalLM model;

    @TempDir
    Path tmp;

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

    static NDArray logits(LoraNetwork net, NDManager m) {
        net.attach();
        try {
            return model.forward(Fixtures.tensor(ref, "input_ids", m));
        } finally {
            net.detach();
        }
    }

    @Test
    void fixtureAdapterMatchesPeft() {
        try (NDManager m = manager.newSubManager()) {
            PeftAdapter.Loaded a = PeftAdapter.read(Fixtures.path("llama-tiny-a/adapter"), model, m);
            assertThat(a.config().r()).isEqualTo(4);
            assertThat(a.config().scale()).isEqualTo(2.0);
            assertThat(a.network().layers().keySet()).containsExactly("model.layers.0.self_attn.q_proj",
                    "model.layers.0.self_attn.v_proj", "model.layers.1.self_attn.q_proj",
                    "model.layers.1.self_attn.v_proj");
            double err = Fixtures.relL2(logits(a.network(), m), Fixtures.tensor(ref, "logits.lora", m));
            double base = Fixtures.relL2(model.forward(Fixtures.tensor(ref, "input_ids", m)),
                    Fixtures.tensor(ref, "logits.base", m));
            System.out.printf("[parity] llama-tiny-a logits.lora rel L2 %.2e (base after detach %.2e)%n", err, base);
            assertThat(err).isLessThan(1e-4);
            assertThat(base).as("detach restores the base model").isLessThan(1e-4);
        }
    }

    @Test
    void writtenAdapterReadsBackToTheSameLogits() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            PeftAdapter.Loaded a = PeftAdapter.read(Fixtures.path("llama-tiny-a/adapter"), model, m);
            PeftAdapter.write(a.network(), tmp, a.config());
            assertThat(tmp.resolve("adapter_config.json")).exists();
            PeftConfig back = PeftConfig.read(tmp);
            assertThat(back).isEqualTo(a.config());
            String json = Files.readString(tmp.resolve("adapter_config.json"));
            assertThat(json).contains("\"peft_type\" : \"LORA\"", "\"task_type\" : \"CAUSAL_LM\"", "\"r\" : 4",
                    "\"lora_alpha\" : 8", "\"use_rslora\" : false").doesNotContain("use_dora", "exclude_modules");
            try (SafetensorsFile f = SafetensorsFile.open(tmp.resolve("adapter_model.safetensors"))) {
                assertThat(f.tensors().keySet()).contains(
                        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                        "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
                assertThat(f.info("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight").shape())
                        .containsExactly(16, 4);
            }
            PeftAdapter.Loaded again = PeftAdapter.read(tmp, model, m);
            double err = Fixtures.relL2(logits(again.network(), m), logits(a.network(), m));
            System.out.printf("[parity] PEFT write/read round trip rel L2 %.2e%n", err);
            assertThat(err).isLessThan(1e-7);
        }
    }

    @Test
    void mergedModelGivesTheSideCarLogits() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            PeftAdapter.Loaded a = PeftAdapter.read(Fixtures.path("llama-tiny-a/adapter"), model, m);
            Path out = tmp.resolve("merged");
            PeftAdapter.merge(model, a.network(), out, null);
            assertThat(out.resolve("config.json")).exists();
            assertThat(out.resolve("generation_config.json")).exists();
            LlamaForCausalLM merged = LlamaForCausalLM.fromPretrained(out, m);
            NDArray ids = Fixtures.tensor(ref, "input_ids", m);
            double err = Fixtures.relL2(merged.forward(ids), logits(a.network(), m));
            double vsPeft = Fixtures.relL2(merged.forward(ids), Fixtures.tensor(ref, "logits.lora", m));
            System.out.printf("[parity] merged vs side-car rel L2 %.2e, merged vs peft %.2e%n", err, vsPeft);
            assertThat(err).isLessThan(1e-5);
            assertThat(vsPeft).isLessThan(1e-4);
        }
    }

    @Test
    void newAdapterStartsAsTheBaseModelAndTargetsEveryLayer() {
        try (NDManager m = manager.newSubManager()) {
            PeftConfig cfg = new PeftConfig(8, 16, List.of("q_proj", "v_proj"), Optional.empty(), 0.1, false,
                    "CAUSAL_LM", Optional.of("llama-tiny-a"));
            LoraNetwork net = PeftAdapter.create(model, cfg, m, new Random(1));
            assertThat(net.size()).isEqualTo(4);
            assertThat(net.layers().get("model.layers.1.self_attn.v_proj").scale()).isEqualTo(2f);
            double err = Fixtures.relL2(logits(net, m), Fixtures.tensor(ref, "logits.base", m));
            assertThat(err).isLessThan(1e-6);
        }
    }

    @Test
    void wrongTargetNameListsTheRealLinearLayers() {
        PeftConfig cfg = new PeftConfig(8, 16, List.of("q_prj"), Optional.empty(), 0, false, "CAUSAL_LM",
                Optional.empty());
        assertThatThrownBy(() -> PeftAdapter.targets(model, cfg)).isInstanceOf(UserException.class)
                .hasMessageContaining("'q_prj'")
                .hasMessageContaining("q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head")
                .hasMessageContaining("did you mean 'q_proj'");
    }

    @Test
    void regexTargetsMatchWholePaths() {
        PeftConfig cfg = new PeftConfig(4, 4, List.of(), Optional.of(".*layers\\.1\\.mlp\\.(gate|up)_proj"), 0,
                false, "CAUSAL_LM", Optional.empty());
        assertThat(PeftAdapter.targets(model, cfg).keySet()).containsExactly("model.layers.1.mlp.gate_proj",
                "model.layers.1.mlp.up_proj");
    }

    @Test
    void unsupportedPeftOptionsAreNamed() throws Exception {
        Files.writeString(tmp.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 8,"
                + " \"use_dora\": true, \"bias\": \"all\", \"rank_pattern\": {\"q_proj\": 4}}");
        assertThatThrownBy(() -> PeftConfig.read(tmp)).isInstanceOf(UserException.class)
                .hasMessageContaining("use_dora").hasMessageContaining("bias: all")
                .hasMessageContaining("rank_pattern");
    }

    @Test
    void rsloraScalesByTheSquareRootOfTheRank() {
        PeftConfig cfg = new PeftConfig(16, 32, List.of("q_proj"), Optional.empty(), 0, true, "CAUSAL_LM",
                Optional.empty());
        assertThat(cfg.scale()).isEqualTo(8.0);
    }
}
