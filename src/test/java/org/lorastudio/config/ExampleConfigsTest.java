package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lorastudio.config.ConfigTestSupport.REQUIRED;
import static org.lorastudio.config.ConfigTestSupport.load;
import static org.lorastudio.config.ConfigTestSupport.resourceText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configs and presets shipped in {@code resources/configs/} (on the class path under {@code /lorastudio/}). */
class ExampleConfigsTest {
    private static final Path CONFIGS = Path.of("resources/configs");

    @TempDir
    Path dir;

    @Test
    void everyExampleConfigOnDiskLoadsWithoutAnyProblem() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(CONFIGS)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString())
                .contains("cyberpunk.yaml", "default.yaml", "demo.yaml");
        for (Path file : files) {
            ConfigReport report = ConfigLoader.check(file, List.of());
            assertThat(report.problems()).as(file.toString()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cyberpunk", "default", "demo"})
    void exampleConfigsLoadFromTheClassPath(String name) {
        String yaml = resourceText("/lorastudio/configs/" + name + ".yaml");
        ConfigReport report = ConfigLoader.check(yaml, name + ".yaml", CONFIGS, List.of());
        assertThat(report.problems()).isEmpty();
    }

    @Test
    void cyberpunkHasTheSeedExampleValues() {
        TrainingConfig c = TrainingConfig.fromYaml(CONFIGS.resolve("cyberpunk.yaml"));
        assertThat(c.name()).isEqualTo("cyberpunk");
        assertThat(c.loraRank()).isEqualTo(16);
        assertThat(c.unetTargetModules()).containsExactly("attentions");
        assertThat(c.batchSize()).isEqualTo(4);
        assertThat(c.epochs()).isEqualTo(15);
        assertThat(c.learningRate()).isEqualTo(1.5e-4);
        assertThat(c.saveSteps()).isEqualTo(100);
        assertThat(c.semanticName()).isEqualTo("cyberpunk_r16_lr1.5e-4_ep15");
    }

    @Test
    void demoPointsAtTheRepositoryDemoModelAndData() {
        TrainingConfig c = TrainingConfig.fromYaml(CONFIGS.resolve("demo.yaml"));
        Path repo = Path.of("").toAbsolutePath();
        assertThat(c.baseModel().resolved()).isEqualTo(repo.resolve("models/demo"));
        assertThat(c.trainDataDir().resolved()).isEqualTo(repo.resolve("workspace/datasets/demo"));
        assertThat(c.resolution()).isEqualTo(64);
        assertThat(c.loraRank()).isEqualTo(4);
        assertThat(c.learningRate()).isEqualTo(1e-3);
        assertThat(c.sampleEveryNSteps()).isEqualTo(60);
        assertThat(c.samplePrompts()).hasSize(2);
        assertThat(c.sampleSteps()).isEqualTo(10);
        assertThat(c.cacheLatents()).isTrue();
    }

    @Test
    void builtInPresetsAreListedWithTitlesAndApplyCleanly() {
        TrainingConfig base = load(REQUIRED, dir);

        assertThat(ConfigPresets.builtIn()).extracting(ConfigPreset::id)
                .containsExactly("default", "8gb-gpu", "quality");
        for (ConfigPreset preset : ConfigPresets.builtIn()) {
            assertThat(preset.title()).as(preset.id()).isNotBlank().doesNotStartWith("#");
            assertThat(preset.description()).as(preset.id()).isNotBlank();
            TrainingConfig applied = ConfigPresets.apply(base, preset);
            assertThat(applied.validate()).as(preset.id()).isEmpty();
            assertThat(applied.name()).isEqualTo(base.name());
        }
    }

    @Test
    void eightGbPresetLowersMemoryUse() {
        TrainingConfig base = load(REQUIRED + "lora_rank: 32\n", dir);
        TrainingConfig c = ConfigPresets.apply(base, ConfigPresets.find("8gb-gpu").orElseThrow());
        assertThat(c.batchSize()).isEqualTo(1);
        assertThat(c.gradientAccumulationSteps()).isEqualTo(4);
        assertThat(c.loraRank()).isEqualTo(8);
        assertThat(c.gradientCheckpointing()).isTrue();
        assertThat(c.mixedPrecision()).isEqualTo(MixedPrecision.FP16);
    }

    @Test
    void defaultPresetUndoesTuning() {
        TrainingConfig tuned = ConfigPresets.apply(load(REQUIRED, dir), ConfigPresets.find("quality").orElseThrow());
        assertThat(tuned.loraAlpha()).contains(8.0);

        TrainingConfig reset = ConfigPresets.apply(tuned, ConfigPresets.find("default").orElseThrow());
        assertThat(reset.loraAlpha()).isEmpty();
        assertThat(reset.minSnrGamma()).isEmpty();
        assertThat(reset.loraRank()).isEqualTo(8);
    }

    @Test
    void presetsMayNotSetIdentityKeysAndAreValidated() throws IOException {
        Path file = dir.resolve("mine.yaml");
        Files.writeString(file, "# Mine\nname: other\nlora_rank: 0\nlearnig_rate: 1e-4\n");
        ConfigPreset preset = ConfigPresets.fromFile(file);

        assertThat(preset.id()).isEqualTo("mine");
        assertThatThrownBy(() -> ConfigPresets.apply(load(REQUIRED, dir), preset))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key, ConfigProblem::line)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("name", 2),
                                org.assertj.core.groups.Tuple.tuple("lora_rank", 3),
                                org.assertj.core.groups.Tuple.tuple("learnig_rate", 4)))
                .hasMessageStartingWith("preset mine: name: cannot be set by a preset");
    }

    @Test
    void unknownPresetIsEmpty() {
        assertThat(ConfigPresets.find("nope")).isEmpty();
    }
}
