package org.lorastudio.model.llama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class LlamaConfigTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static ObjectNode fixtureJson() throws Exception {
        return (ObjectNode) JSON.readTree(Fixtures.path("llama-tiny-a/config.json").toFile());
    }

    @Test
    void readsTheFixtureConfig() {
        LlamaConfig c = LlamaConfig.fromConfig(Fixtures.path("llama-tiny-a"));
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.numKeyValueGroups()).isEqualTo(2);
        assertThat(c.eosTokenIds()).containsExactly(2);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.ropeScaling()).isEmpty();
        assertThat(LlamaConfig.fromJson(c.toJson(), "round trip")).isEqualTo(c);
    }

    @Test
    void unsupportedFieldsAreAllNamedInOneError() throws Exception {
        ObjectNode n = fixtureJson();
        n.put("model_type", "gpt2");
        n.put("hidden_act", "gelu");
        n.putObject("rope_scaling").put("type", "yarn").put("factor", 4.0);
        assertThatThrownBy(() -> LlamaConfig.fromJson(n, "config.json")).isInstanceOf(UserException.class)
                .hasMessageContaining("model_type 'gpt2' is not supported (supported: llama, mistral, qwen2")
                .hasMessageContaining("hidden_act 'gelu'")
                .hasMessageContaining("rope_scaling type 'yarn'");
    }

    @Test
    void eosMayBeAListAndQwen2BiasesQkvOnly() throws Exception {
        ObjectNode n = fixtureJson();
        n.putArray("eos_token_id").add(2).add(7);
        n.put("model_type", "qwen2");
        LlamaConfig c = LlamaConfig.fromJson(n, "c");
        assertThat(c.eosTokenIds()).containsExactly(2, 7);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputBias()).isFalse();
        assertThat(new LlamaForCausalLM(c).weights()).containsKey("model.layers.0.self_attn.k_proj.bias")
                .doesNotContainKey("model.layers.0.self_attn.o_proj.bias");
    }

    @Test
    void llama3RopeScalingKeepsHighAndDividesLowFrequencies() throws Exception {
        ObjectNode n = fixtureJson();
        n.put("hidden_size", 512).put("num_attention_heads", 4).put("num_key_value_heads", 4)
                .put("rope_theta", 500000.0);
        n.putObject("rope_scaling").put("rope_type", "llama3").put("factor", 8.0).put("low_freq_factor", 1.0)
                .put("high_freq_factor", 4.0).put("original_max_position_embeddings", 8192);
        float[] scaled = LlamaRotaryEmbedding.inverseFrequencies(LlamaConfig.fromJson(n, "c"));
        n.putNull("rope_scaling");
        float[] plain = LlamaRotaryEmbedding.inverseFrequencies(LlamaConfig.fromJson(n, "c"));
        assertThat(scaled[0]).isEqualTo(plain[0]); // wavelength 2π < 8192/4
        int last = plain.length - 1; // wavelength far above 8192: divided by factor
        assertThat((double) scaled[last]).isCloseTo(plain[last] / 8.0,
                org.assertj.core.data.Percentage.withPercentage(1e-4));
        for (int j = 0; j < plain.length; j++) {
            assertThat(scaled[j]).isBetween(plain[j] / 8f * 0.99999f, plain[j] * 1.00001f);
        }
    }

    @Test
    void shardedWeightsLoadLikeOneFile() throws Exception {
        Path src = Fixtures.path("llama-tiny-a");
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        ObjectNode index = JSON.createObjectNode();
        ObjectNode map = index.putObject("weight_map");
        try (SafetensorsFile f = SafetensorsFile.open(src.resolve("model.safetensors"))) {
            List<String> names = new ArrayList<>(f.tensors().keySet());
            SafetensorsWriter a = new SafetensorsWriter();
            SafetensorsWriter b = new SafetensorsWriter();
            for (int i = 0; i < names.size(); i++) {
                String shard = i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (i % 2 == 0 ? a : b).copy(f, names.get(i));
                map.put(names.get(i), shard);
            }
            a.write(dir.resolve("model-00001-of-00002.safetensors"));
            b.write(dir.resolve("model-00002-of-00002.safetensors"));
        }
        Files.writeString(dir.resolve("model.safetensors.index.json"), index.toString());
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("llama-tiny-a/reference.safetensors")) {
            LlamaForCausalLM model = LlamaForCausalLM.fromPretrained(dir, m);
            double err = Fixtures.relL2(model.forward(Fixtures.tensor(ref, "input_ids", m)),
                    Fixtures.tensor(ref, "logits.base", m));
            assertThat(err).isLessThan(1e-4);
        }
    }

    @Test
    void pickleCheckpointsAreRefused() throws Exception {
        Files.copy(Fixtures.path("llama-tiny-a/config.json"), dir.resolve("config.json"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "not really");
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> LlamaForCausalLM.fromPretrained(dir, m)).hasMessageContaining("pickle");
        }
    }
}
