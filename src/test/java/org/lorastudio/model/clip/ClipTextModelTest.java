package org.lorastudio.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.LayerNorm;
import org.lorastudio.nn.Parameter;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class ClipTextModelTest {
    private static final Path TEXT_ENCODER = Fixtures.path("sd-tiny-a/model-diffusers/text_encoder");

    @Test
    void tinyConfigIsReadFromTransformersJson() {
        ClipTextConfig c = ClipTextConfig.fromConfig(TEXT_ENCODER);
        assertThat(c).isEqualTo(new ClipTextConfig(774, 32, 64, 2, 4, 77, "quick_gelu", 1e-5f));
        assertThat(c.headDim()).isEqualTo(8);
    }

    @Test
    void sd15ConfigFileEqualsSd15Defaults() {
        assertThat(ClipTextConfig.fromConfig(Fixtures.path("sd15-keys/text_encoder-config.json")))
                .isEqualTo(ClipTextConfig.sd15());
    }

    @Test
    void configReportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> new ClipTextConfig(0, 30, 64, 2, 4, 77, "relu", 1e-5f))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("vocab_size must be > 0, found 0")
                .hasMessageContaining("hidden_size 30 is not divisible by num_attention_heads 4")
                .hasMessageContaining("hidden_act must be one of");
    }

    @Test
    void sd15ModelHasExactlyTheTransformersKeysAndShapesWithoutAllocating() throws IOException {
        ClipTextModel model = new ClipTextModel(ClipTextConfig.sd15());
        Map<String, Parameter> params = model.namedParameters();
        assertThat(shapes(params)).containsExactlyEntriesOf(referenceShapes("sd15-keys/text_encoder-hf.json"));
        assertThat(params.values()).noneMatch(Parameter::isSet);
        assertThat(model.parameterCount()).isEqualTo(123_060_480L);
    }

    @Test
    @Tag("parity")
    void lastHiddenStateMatchesTransformers() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            ClipTextModel model = ClipTextModel.fromPretrained(TEXT_ENCODER, m, DataType.FLOAT32);
            NDArray ids = Fixtures.tensor(ref, "tok.input_ids", m);
            NDArray expected = Fixtures.tensor(ref, "te.last_hidden_state", m);
            try (NDScope scope = new NDScope()) {
                NDArray out = model.forward(ids);
                assertThat(out.getShape()).isEqualTo(new Shape(4, 77, 32));
                double err = Fixtures.relL2(out, expected);
                System.out.printf("te.last_hidden_state relL2 = %.3e%n", err);
                assertThat(err).isLessThan(1e-4); // float32 on another torch build; measured ~1e-7
            }
        }
    }

    @Test
    @Tag("parity")
    void tokenizerAndEncoderTogetherReproduceTheReference() throws IOException {
        ClipTokenizer tok = ClipTokenizer.fromFolder(Fixtures.path("sd-tiny-a/model-diffusers/tokenizer"));
        JsonNode prompts = new ObjectMapper().readTree(Fixtures.path("sd-tiny-a/reference.json").toFile())
                .get("tokenizer").get("prompts");
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            ClipTextModel model = ClipTextModel.fromPretrained(TEXT_ENCODER, m, DataType.FLOAT32);
            long[][] ids = new long[prompts.size()][];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tok.encode(prompts.get(i).asText());
            }
            NDArray expected = Fixtures.tensor(ref, "te.last_hidden_state", m);
            try (NDScope scope = new NDScope()) {
                assertThat(Fixtures.relL2(model.forward(m.create(ids)), expected)).isLessThan(1e-4);
            }
        }
    }

    @Test
    void forwardCreatesNothingInTheModelManager() throws IOException {
        try (NDManager model = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            ClipTextModel te = ClipTextModel.fromPretrained(TEXT_ENCODER, model, DataType.FLOAT32);
            int before = model.getManagedArrays().size();
            try (NDManager step = NDManager.newBaseManager()) {
                te.forward(Fixtures.tensor(ref, "tok.input_ids", step), 2);
            }
            assertThat(model.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void clipSkipTwoIsTheFinalNormOfTheSecondToLastHiddenState() throws IOException {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            ClipTextModel model = ClipTextModel.fromPretrained(TEXT_ENCODER, m, DataType.FLOAT32);
            NDArray ids = Fixtures.tensor(ref, "tok.input_ids", m);
            try (NDScope scope = new NDScope()) {
                NDArray skipped = model.forward(ids, 2);
                ClipTextTransformer tm = (ClipTextTransformer) model.module("text_model");
                NDArray h = ((ClipTextEmbeddings) tm.module("embeddings")).forward(ids);
                float[] mask = new float[77 * 77];
                for (int i = 0; i < 77; i++) {
                    for (int j = i + 1; j < 77; j++) {
                        mask[i * 77 + j] = Float.NEGATIVE_INFINITY;
                    }
                }
                h = ((ClipEncoderLayer) tm.module("encoder.layers.0")).forward(h, m.create(mask, new Shape(77, 77)));
                NDArray manual = ((LayerNorm) tm.module("final_layer_norm")).forward(h);
                assertThat(Fixtures.relL2(skipped, manual)).isLessThan(1e-6);
                assertThat(Fixtures.relL2(skipped, model.forward(ids, 1))).isGreaterThan(1e-2);
            }
            assertThatThrownBy(() -> model.forward(ids, 3)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    static Map<String, List<Long>> shapes(Map<String, Parameter> params) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, java.util.Arrays.stream(p.shape().getShape()).boxed().toList()));
        return out;
    }

    static Map<String, List<Long>> referenceShapes(String fixture) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Fixtures.path(fixture).toFile());
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (JsonNode t : root.get("tensors")) {
            List<Long> shape = new java.util.ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.asLong()));
            out.put(t.get("key").asText(), shape);
        }
        return out;
    }
}
