package org.lorastudio.ui.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lorastudio.config.TrainingConfig;

class StepArithmeticTest {
    private static TrainingConfig config() {
        return TrainingConfig.minimal("demo", Path.of("model"), Path.of("data"))
                .with("epochs", 15).with("batch_size", 4).with("save_steps", 20).with("sample_every_n_steps", 20)
                .with("sample_prompts", List.of("a red circle"));
    }

    @Test
    void theExampleFromTheSpecReadsAsWritten() {
        assertThat(StepArithmetic.describe(config(), 24, 24)).isEqualTo("24 images × 15 epochs ÷ batch 4 = 90 steps;"
                + " checkpoints at 20, 40, 60, 80, 90; samples every 20 steps (4 times)");
    }

    @Test
    void repeatsAccumulationAndUnevenBatchesAreSpelledOut() {
        TrainingConfig c = config().with("gradient_accumulation_steps", 2).with("save_steps", 0)
                .with("sample_every_n_steps", 0);
        assertThat(StepArithmetic.describe(c, 10, 30)).isEqualTo("10 images (30 with repeats) × 15 epochs ÷ batch 4 "
                + "× 2 accumulation = 60 steps (4 per epoch, the last batch is smaller); the LoRA is saved at the end "
                + "(step 60); no samples during training");
    }

    @Test
    void maxTrainStepsOverridesEpochsAndLongSaveListsAreShortened() {
        TrainingConfig c = config().with("max_train_steps", 1000).with("save_steps", 100);
        assertThat(StepArithmetic.describe(c, 24, 24)).startsWith("max_train_steps = 1000 steps (overrides epochs; "
                + "one epoch of 24 images ÷ batch 4 = 6 steps); checkpoints at 100, 200, 300, … 900, 1000 "
                + "(10 files)");
        assertThat(StepArithmetic.describe(c, 0, 0)).contains("no images");
    }
}
