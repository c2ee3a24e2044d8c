package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lorastudio.config.ConfigTestSupport.REQUIRED;
import static org.lorastudio.config.ConfigTestSupport.load;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingConfigTest {
    @TempDir
    Path dir;

    @Test
    void semanticNameCarriesNameRankLearningRateAndEpochs() {
        TrainingConfig c = load("name: cyberpunk\nbase_model: m\ntrain_data_dir: d\nlora_rank: 16\n"
                + "learning_rate: 1.5e-4\nepochs: 15\n", dir);
        assertThat(c.semanticName()).isEqualTo("cyberpunk_r16_lr1.5e-4_ep15");
        assertThat(c.with("max_train_steps", 2000).semanticName()).isEqualTo("cyberpunk_r16_lr1.5e-4_steps2000");
        assertThat(c.with("learning_rate", 2e-4).semanticName()).isEqualTo("cyberpunk_r16_lr2e-4_ep15");
        assertThat(c.with("learning_rate", 0.05).semanticName()).isEqualTo("cyberpunk_r16_lr0.05_ep15");
    }

    @Test
    void semanticNameIsFileSystemSafe() {
        TrainingConfig c = TrainingConfig.minimal("my character (v2)", Path.of("m"), Path.of("d"));
        assertThat(c.semanticName()).isEqualTo("my_character_v2_r8_lr2e-4_ep10").matches("[A-Za-z0-9._-]+");
        assertThat(c.with("name", ".hidden").semanticName()).startsWith("hidden_");
    }

    @Test
    void effectiveValuesFallBackToTheirDefaults() {
        TrainingConfig c = load(REQUIRED + "lora_rank: 16\nlearning_rate: 3e-4\n", dir);
        assertThat(c.effectiveLoraAlpha()).isEqualTo(16.0);
        assertThat(c.loraScale()).isEqualTo(1.0);
        assertThat(c.effectiveUnetLr()).isEqualTo(3e-4);
        assertThat(c.effectiveTextEncoderLr()).isEqualTo(3e-4);

        TrainingConfig set = c.with("lora_alpha", 8.0).with("unet_lr", 1e-4).with("text_encoder_lr", 5e-5);
        assertThat(set.effectiveLoraAlpha()).isEqualTo(8.0);
        assertThat(set.loraScale()).isEqualTo(0.5);
        assertThat(set.effectiveUnetLr()).isEqualTo(1e-4);
        assertThat(set.effectiveTextEncoderLr()).isEqualTo(5e-5);
    }

    @Test
    void stepArithmeticCountsPartialBatchesAndAccumulation() {
        TrainingConfig c = load(REQUIRED + "batch_size: 4\nepochs: 15\nsave_steps: 100\n", dir);
        assertThat(c.stepsPerEpoch(50)).isEqualTo(13);
        assertThat(c.totalSteps(50)).isEqualTo(195);
        assertThat(c.checkpointSteps(195)).containsExactly(100);
        assertThat(c.with("gradient_accumulation_steps", 2).stepsPerEpoch(50)).isEqualTo(7);
        assertThat(c.with("gradient_accumulation_steps", 2).effectiveBatchSize()).isEqualTo(8);
        assertThat(c.with("max_train_steps", 1000).totalSteps(50)).isEqualTo(1000);
        assertThat(c.with("save_steps", 0).checkpointSteps(195)).isEmpty();
        assertThat(c.stepsPerEpoch(0)).isZero();
    }

    @Test
    void trainedPartsFollowTheTargetModules() {
        TrainingConfig c = load(REQUIRED, dir);
        assertThat(c.trainsUnet()).isTrue();
        assertThat(c.trainsTextEncoder()).isFalse();
        assertThat(c.with("text_encoder_target_modules", List.of("q_proj")).trainsTextEncoder()).isTrue();
        assertThat(c.with("model_type", ModelType.LLM).trainsUnet()).isFalse();
    }

    @Test
    void withChecksTheJavaTypeAndValidateChecksTheRange() {
        TrainingConfig c = TrainingConfig.minimal("t", Path.of("m"), Path.of("d"));

        assertThatThrownBy(() -> c.with("lora_rank", "16")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Integer");
        assertThatThrownBy(() -> c.with("lora_rank", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.with("nope", 1)).isInstanceOf(IllegalArgumentException.class);

        TrainingConfig bad = c.with("lora_rank", 0).with("learning_rate", 2.0).with("sample_every_n_steps", 10);
        assertThat(bad.validate()).extracting(ConfigProblem::text).containsExactly(
                "lora_rank: must be an integer 1..1024, found 0",
                "learning_rate: must be a number > 0 and <= 1, found 2",
                "sample_every_n_steps: asks for samples every 10 steps but sample_prompts is empty; add prompts"
                        + " or set sample_every_n_steps: 0");
        assertThat(c.validate()).isEmpty();
    }

    @Test
    void getReturnsTypedValuesAndNullForUnset() {
        TrainingConfig c = TrainingConfig.minimal("t", Path.of("m"), Path.of("d"));
        assertThat(c.get("lora_rank")).isEqualTo(8);
        assertThat(c.get("optimizer")).isEqualTo(Optimizer.ADAMW);
        assertThat(c.get("lora_alpha")).isNull();
        assertThat(c.get("base_model")).isInstanceOf(ConfigPath.class);
    }

    @Test
    void minimalRefusesABadName() {
        assertThatThrownBy(() -> TrainingConfig.minimal("a/b", Path.of("m"), Path.of("d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("name: must be a name");
    }

    @Test
    void listsAreImmutableCopies() {
        List<String> modules = new java.util.ArrayList<>(List.of("attentions"));
        TrainingConfig c = TrainingConfig.minimal("t", Path.of("m"), Path.of("d")).with("unet_target_modules",
                modules);
        modules.add("resnets");
        assertThat(c.unetTargetModules()).containsExactly("attentions");
        assertThatThrownBy(() -> c.unetTargetModules().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
