package org.lorastudio.train.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.run.RunStatus;
import org.lorastudio.runtime.Placement;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;

/**
 * GPU readiness on the CPU (issue 15 item 6): real SD LoRA runs on sd-tiny-a with the placement check on find every
 * op input in the run's manager tree, on its device and of the op's type — the errors a first CUDA run would stop at.
 */
class SdPlacementTest {
    @TempDir
    Path workspace;

    @Test
    void aTrainingRunWithEveryLossAndLoraPathHasNoMisplacedArray() throws Exception {
        // UNet LoRA on attentions and resnets (LoCon convolutions), text-encoder LoRA, dropout, min-SNR, noise
        // offset, a validation split, and a sample at the end: every seam a training step and its side jobs use.
        TrainingConfig config = base("all-paths")
                .with("unet_target_modules", List.of("attentions", "resnets"))
                .with("text_encoder_target_modules", List.of("all")).with("lora_dropout", 0.1)
                .with("min_snr_gamma", 5.0).with("noise_offset", 0.05).with("validation_split", 0.25)
                .with("validation_every_n_steps", 2).with("sample_every_n_steps", 2)
                .with("sample_prompts", List.of("a red square")).with("sample_steps", 2);
        Placement.Session s = run(config);
        assertThat(s.checksByOp()).containsKeys("Linear", "conv2d", "GroupNorm", "LayerNorm", "Embedding",
                "attention", "LoRA", "LoRA_dropout", "adapter_sum", "UNet", "Timesteps", "addNoise", "loss",
                "loss_min_snr", "noise_offset", "scalar", "adamw");
    }

    @Test
    void anFp16MixedPrecisionRunHasNoMisplacedOrMistypedArray() throws Exception {
        // fp16 base weights with fp32 LoRA: every layer's input must be its weights' type (half for the base layers,
        // float for the LoRA branch behind the casts), the norms and the loss in float32 — as on a GPU
        TrainingConfig config = base("fp16").with("mixed_precision", org.lorastudio.config.MixedPrecision.FP16)
                .with("text_encoder_target_modules", List.of("all"));
        Placement.Session s = run(config);
        assertThat(s.checksByOp()).containsKeys("Linear", "conv2d", "GroupNorm", "LayerNorm", "attention", "LoRA",
                "adapter_sum", "loss", "adamw");
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(workspace)) {
            Path record = files.filter(f -> f.getFileName().toString().equals("run.json")
                    && f.getParent().getFileName().toString().endsWith("-fp16")).findFirst().orElseThrow();
            assertThat(org.lorastudio.run.RunRecord.read(record).precision()).startsWith("fp16 mixed");
        }
    }

    @Test
    void withThePropertySetARunChecksItselfAndLogsTheOutcome() throws Exception {
        // also: gradient checkpointing, v-prediction, Lion and latents encoded per step
        TrainingConfig config = base("checkpointed").with("gradient_checkpointing", true)
                .with("prediction_type", org.lorastudio.config.PredictionType.V_PREDICTION)
                .with("optimizer", org.lorastudio.config.Optimizer.LION).with("cache_latents", false);
        Trainer trainer = Trainer.start(config, workspace, Optional.empty());
        List<String> logs = new java.util.ArrayList<>();
        trainer.addListener(e -> {
            if (e instanceof TrainingEvent.Log l) {
                logs.add(l.message());
            }
        });
        System.setProperty(Placement.PROPERTY, "true");
        try {
            assertThat(trainer.run()).isEqualTo(RunStatus.COMPLETED);
        } finally {
            System.clearProperty(Placement.PROPERTY);
        }
        assertThat(Placement.checking()).as("the run's session is closed").isFalse();
        assertThat(logs).filteredOn(l -> l.startsWith("Placement check: ")).singleElement().satisfies(l -> assertThat(l)
                .endsWith("; no violations").contains("velocity", "lion", "conv2d", "attention", "LoRA"));
    }

    private TrainingConfig base(String name) throws Exception {
        Path data = workspace.resolve("data-" + name);
        DemoDatasetGenerator.generate(data, 7, 4, 64);
        return TrainingConfig.minimal(name, Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", 2)
                .with("learning_rate", 1e-3).with("save_steps", 0).with("seed", 3);
    }

    /** Runs the config with a session open; asserts the run completed and nothing was misplaced. */
    private Placement.Session run(TrainingConfig config) throws Exception {
        Trainer trainer = Trainer.start(config, workspace, Optional.empty());
        StringBuilder failure = new StringBuilder();
        trainer.addListener(e -> {
            if (e instanceof TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        try (Placement.Session s = Placement.start()) {
            assertThat(trainer.run()).as(failure.toString()).isEqualTo(RunStatus.COMPLETED);
            assertThat(s.report()).as("placement violations").isEmpty();
            assertThat(s.rootChecks()).as("checks against the run's manager").isGreaterThan(1000);
            return s;
        }
    }
}
