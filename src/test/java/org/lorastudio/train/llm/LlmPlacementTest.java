package org.lorastudio.train.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.run.RunStatus;
import org.lorastudio.runtime.Placement;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;
import org.lorastudio.train.TrainingEvent;

/**
 * GPU readiness on the CPU (issue 15 item 6) for the language-model path: a LLaMA LoRA run with the placement check
 * on has every op input in the run's manager tree, on its device and of the op's type. The model is the demo's
 * generated LLaMA (llama-tiny-a has no tokenizer to train with); it is the same LlamaForCausalLM code. The run
 * stops after step 1 and resumes from its checkpoint, so restored weights and optimizer state are checked too.
 */
class LlmPlacementTest {
    @TempDir
    Path workspace;

    @Test
    void aLanguageModelLoraRunAndItsResumeHaveNoMisplacedArray() throws Exception {
        Path model = workspace.resolve("model");
        Path data = workspace.resolve("data.json");
        DemoLlmGenerator.generate(model, data, 7);
        TrainingConfig config = LlmTrainerTest.config("placement", model, data)
                .with("target_modules", List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                        "down_proj"))
                .with("max_train_steps", 2).with("save_steps", 0).with("lora_dropout", 0.1)
                .with("validation_split", 0.2).with("validation_every_n_steps", 2)
                .with("sample_every_n_steps", 2).with("sample_prompts", List.of("hello"));
        Trainer trainer = Trainer.start(config, workspace, Optional.empty());
        StringBuilder failure = new StringBuilder();
        trainer.addListener(e -> {
            if (e instanceof TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        TrainerTestAccess.stopAfter(trainer, 1);
        try (Placement.Session s = Placement.start()) {
            assertThat(trainer.run()).as(failure.toString()).isEqualTo(RunStatus.STOPPED);
            // the resumed run reads the LoRA weights and the optimizer state back from the checkpoint
            Trainer resumed = Trainer.resume(trainer.runFolder().dir());
            assertThat(resumed.run()).isEqualTo(RunStatus.COMPLETED);
            assertThat(s.report()).as("placement violations").isEmpty();
            assertThat(s.rootChecks()).as("checks against the run's manager").isGreaterThan(1000);
            assertThat(s.checksByOp()).containsKeys("Embedding", "Embedding_ids", "Llama_inputs", "RMSNorm", "RoPE",
                    "Linear", "LoRA", "LoRA_dropout", "adapter_sum", "attention", "loss_logits_labels", "adamw");
        }
    }
}
