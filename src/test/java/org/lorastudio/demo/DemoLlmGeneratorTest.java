package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.PromptTemplate;
import org.lorastudio.llm.LlmData;
import org.lorastudio.llm.LlmDataChecker;
import org.lorastudio.llm.LlmDataReader;
import org.lorastudio.llm.LlmExample;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.model.llama.LlamaForCausalLM;

class DemoLlmGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void sameSeedGivesByteIdenticalFiles() throws Exception {
        DemoLlmGenerator.generate(dir.resolve("a/model"), dir.resolve("a/data.json"), DemoLlmGenerator.DEFAULT_SEED);
        DemoLlmGenerator.generate(dir.resolve("b/model"), dir.resolve("b/data.json"), DemoLlmGenerator.DEFAULT_SEED);
        List<String> names = List.of("model/config.json", "model/model.safetensors", "model/tokenizer.json",
                "model/tokenizer_config.json", "model/generation_config.json", "data.json");
        for (String n : names) {
            assertThat(Files.readAllBytes(dir.resolve("a/" + n))).as(n)
                    .isEqualTo(Files.readAllBytes(dir.resolve("b/" + n)));
        }
        try (Stream<Path> s = Files.list(dir.resolve("a/model"))) {
            assertThat(s.count()).isEqualTo(5);
        }
        DemoLlmGenerator.writeModel(dir.resolve("c"), 99);
        assertThat(Files.readAllBytes(dir.resolve("c/model.safetensors")))
                .isNotEqualTo(Files.readAllBytes(dir.resolve("a/model/model.safetensors")));
    }

    @Test
    void modelAndTokenizerLoadAndTheDataIsClean() throws Exception {
        Path model = dir.resolve("model");
        Path data = dir.resolve("data.json");
        DemoLlmGenerator.generate(model, data, DemoLlmGenerator.DEFAULT_SEED);
        try (NDManager m = NDManager.newBaseManager(); LlmTokenizer tok = LlmTokenizer.fromFolder(model)) {
            LlamaForCausalLM lm = LlamaForCausalLM.fromPretrained(model, m);
            assertThat(lm.config().numKeyValueGroups()).isEqualTo(2);
            long[] ids = tok.encode("Convert 3 kilometers to meters.");
            assertThat(ids[0]).isEqualTo(1);
            NDArray logits = lm.forward(m.create(ids, new Shape(1, ids.length)));
            assertThat(logits.getShape()).isEqualTo(new Shape(1, ids.length, 259));
            assertThat(tok.decode(ids)).isEqualTo("Convert 3 kilometers to meters.");

            LlmData d = LlmDataReader.read(data);
            assertThat(d.problems()).isEmpty();
            assertThat(d.examples()).hasSize(DemoLlmGenerator.DEFAULT_COUNT);
            assertThat(d.examples().get(1)).isInstanceOfSatisfying(LlmExample.Instruction.class,
                    e -> assertThat(e.input()).isNotEmpty());
            LlmDataChecker.Report r = LlmDataChecker.check(data, tok, PromptTemplate.ALPACA, 320);
            assertThat(r.problems()).isEmpty();
            // byte-level tokens: demo-llm.yaml needs max_seq_length >= 300
            assertThat(r.maxTokens().orElseThrow()).isLessThan(300);
        }
    }
}
