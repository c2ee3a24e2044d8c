package org.lorastudio.train.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;

/** Language-model LoRA through the shared trainer: PEFT adapter output and bit-identical resume. */
class LlmTrainerTest {
    @TempDir
    static Path shared;
    static Path model;
    static Path data;

    @TempDir
    Path workspace;

    @BeforeAll
    static void demo() throws Exception {
        model = shared.resolve("model");
        data = shared.resolve("data.json");
        DemoLlmGenerator.generate(model, data, 7);
    }

    static TrainingConfig config(String name) {
        return config(name, model, data);
    }

    /** The tiny run of these tests (6 steps of batch 4, rank 8 on q/v, checkpoints at 3) on a generated model. */
    static TrainingConfig config(String name, Path model, Path data) {
        return TrainingConfig.minimal(name, model, data).with("model_type", ModelType.LLM)
                .with("target_modules", List.of("q_proj", "v_proj")).with("lora_rank", 8)
                .with("lora_alpha", 16.0).with("batch_size", 4).with("max_train_steps", 6).with("save_steps", 3)
                .with("learning_rate", 1e-3).with("max_seq_length", 320).with("seed", 5);
    }

    @Test
    void stoppedAndResumedLanguageModelRunIsBitIdentical() throws Exception {
        Trainer straight = Trainer.start(config("llm-a"), workspace, Optional.empty());
        StringBuilder failure = new StringBuilder();
        straight.addListener(e -> {
            if (e instanceof org.lorastudio.train.TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        assertThat(straight.run()).as(failure::toString).isEqualTo(RunStatus.COMPLETED);
        Trainer first = Trainer.start(config("llm-b"), workspace, Optional.empty());
        TrainerTestAccess.stopAfter(first, 2);
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        Trainer resumed = Trainer.resume(first.runFolder().dir());
        resumed.addListener(e -> {
            if (e instanceof org.lorastudio.train.TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        assertThat(resumed.run()).as(failure::toString).isEqualTo(RunStatus.COMPLETED);

        List<MetricPoint> a = MetricsLog.read(straight.runFolder().metricsFile());
        List<MetricPoint> b = MetricsLog.read(first.runFolder().metricsFile());
        assertThat(b).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(b).extracting(MetricPoint::loss).containsExactlyElementsOf(
                a.stream().map(MetricPoint::loss).toList());

        Path adapterA = straight.runFolder().dir().resolve(straight.config().semanticName());
        Path adapterB = first.runFolder().dir().resolve(first.config().semanticName());
        assertThat(adapterA.resolve(PeftAdapter.CONFIG)).exists();
        try (SafetensorsFile fa = SafetensorsFile.open(adapterA.resolve(PeftAdapter.WEIGHTS));
             SafetensorsFile fb = SafetensorsFile.open(adapterB.resolve(PeftAdapter.WEIGHTS))) {
            assertThat(fa.tensors().keySet()).allMatch(k -> k.startsWith("base_model.model.model.layers."))
                    .anyMatch(k -> k.endsWith("q_proj.lora_A.weight"));
            for (String k : fa.tensors().keySet()) {
                assertThat(fb.readFloats(k)).as(k).containsExactly(fa.readFloats(k));
            }
        }
    }
}
