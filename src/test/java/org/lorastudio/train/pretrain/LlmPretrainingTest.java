package org.lorastudio.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmFormat;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PeftConfig;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.safetensors.SafetensorsFile;

/**
 * Language-model pretraining on a very small budget (200 documents, 12 steps) through the real trainer, the saved
 * model folder against our loader, and the format measurement on it.
 */
class LlmPretrainingTest {
    @TempDir
    static Path work;
    static DemoLlmPretraining.Result result;

    @BeforeAll
    static void pretrain() throws Exception {
        DemoLlmPretraining.Plan plan = new DemoLlmPretraining.Plan(3, 200, 12, 8, 3e-3, 0);
        result = DemoLlmPretraining.run(plan, work.resolve("out"), work.resolve("work"), e -> { });
    }

    @Test
    void aFewPretrainingStepsLowerTheLossAndChangeEveryWeight() throws Exception {
        List<MetricPoint> m = MetricsLog.read(result.run().resolve("metrics.jsonl"));
        assertThat(m).hasSize(12);
        double first = m.subList(0, 3).stream().mapToDouble(MetricPoint::loss).average().orElseThrow();
        double last = m.subList(9, 12).stream().mapToDouble(MetricPoint::loss).average().orElseThrow();
        // from ln(259) ≈ 5.56 (uniform over the byte vocabulary); the warm-up is one step
        assertThat(first).isGreaterThan(5.0);
        assertThat(last).isLessThan(first - 1.0);

        try (SafetensorsFile init = SafetensorsFile.open(work.resolve("work/init/model.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(result.model().resolve("model.safetensors"))) {
            assertThat(out.tensors().keySet()).isEqualTo(init.tensors().keySet());
            for (String k : init.tensors().keySet()) {
                assertThat(out.readFloats(k)).as(k).isNotEqualTo(init.readFloats(k));
            }
        }
        assertThat(result.model().resolve("tokenizer.json")).exists();
    }

    @Test
    void measurementWithAZeroAdapterGivesTheBaseAnswers() throws Exception {
        Path adapter = work.resolve("zero-adapter");
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaForCausalLM lm = LlamaForCausalLM.fromPretrained(result.model(), m);
            TrainingConfig c = TrainingConfig.minimal("zero", result.model(), work.resolve("work/corpus.jsonl"))
                    .with("model_type", ModelType.LLM).with("lora_rank", 4);
            PeftConfig peft = PeftConfig.of(c, result.model().toString());
            LoraNetwork net = PeftAdapter.create(lm, peft, m, new Random(1)); // B = 0: the adapter changes nothing
            PeftAdapter.write(net, adapter, peft);
        }
        List<DemoLlmFormat.Prompt> prompts = DemoLlmFormat.heldOut(1, 2);
        DemoLlmFormat.Report r;
        try (NDManager m = NDManager.newBaseManager()) {
            r = DemoLlmFormat.measure(result.model(), adapter, prompts, m);
        }
        assertThat(r.base()).hasSize(2);
        assertThat(r.adapted()).extracting(DemoLlmFormat.Answer::text)
                .containsExactlyElementsOf(r.base().stream().map(DemoLlmFormat.Answer::text).toList());
        assertThat(r.base()).extracting(DemoLlmFormat.Answer::prompt)
                .containsExactly(prompts.get(0).instruction(), prompts.get(1).instruction());
        // twelve steps of a byte model do not write the data set's answers
        assertThat(r.baseFormatRate()).isZero();
    }
}
