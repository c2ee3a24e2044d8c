package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.config.ConfigTestSupport.REQUIRED;
import static org.lorastudio.config.ConfigTestSupport.check;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The validation-loss keys of issue 16: ranges, the cross-key rules and the file check. */
class ValidationConfigTest {
    @TempDir
    Path dir;

    @Test
    void validationSplitOutsideZeroToNinetyPercentIsAnErrorNamingTheRange() {
        ConfigReport report = check(REQUIRED + "validation_split: 0.95\n", dir);

        assertThat(report.problems()).extracting(ConfigProblem::text)
                .containsExactly("validation_split: must be a number 0..0.9, found 0.95 (line 4)");
        assertThat(check(REQUIRED + "validation_split: -0.1\n", dir).hasErrors()).isTrue();
        assertThat(check(REQUIRED + "validation_split: 0.9\n", dir).hasErrors()).isFalse();
    }

    @Test
    void validationEveryNStepsWithoutAHeldOutSetIsAnError() {
        ConfigReport report = check(REQUIRED + "validation_every_n_steps: 10\n", dir);

        assertThat(report.errors()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("validation_every_n_steps");
            assertThat(p.message()).contains("nothing is held out").contains("validation_split");
        });
        ConfigReport ok = check(REQUIRED + "validation_every_n_steps: 10\nvalidation_split: 0.25\n", dir);
        assertThat(ok.hasErrors()).isFalse();
        TrainingConfig c = ok.loaded().orElseThrow().config();
        assertThat(c.validationSplit()).isEqualTo(0.25);
        assertThat(c.validationEveryNSteps()).isEqualTo(10);
        assertThat(c.hasValidation()).isTrue();
    }

    @Test
    void splitAndValidationFolderExcludeEachOther() {
        ConfigReport report = check(REQUIRED + "validation_split: 0.2\nvalidation_data_dir: val\n", dir);

        assertThat(report.errors()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("validation_data_dir");
            assertThat(p.message()).contains("both set");
        });
    }

    @Test
    void missingValidationFolderIsReportedWhenTrainingStarts() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        TrainingConfig c = TrainingConfig.minimal("t", dir.resolve("model.safetensors"), dir.resolve("data"))
                .with("validation_data_dir", ConfigPath.of("nowhere", dir));

        List<ConfigProblem> problems = ConfigFiles.check(c);

        assertThat(problems).filteredOn(p -> p.key().equals("validation_data_dir")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("not found").contains("nowhere"));
    }

    @Test
    void defaultsHoldNothingOut() {
        TrainingConfig c = check(REQUIRED, dir).loaded().orElseThrow().config();

        assertThat(c.validationSplit()).isZero();
        assertThat(c.validationDataDir()).isEmpty();
        assertThat(c.hasValidation()).isFalse();
    }
}
