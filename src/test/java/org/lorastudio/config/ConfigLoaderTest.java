package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.lorastudio.config.ConfigTestSupport.REQUIRED;
import static org.lorastudio.config.ConfigTestSupport.check;
import static org.lorastudio.config.ConfigTestSupport.load;
import static org.lorastudio.config.ConfigTestSupport.resourceFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void fiveMistakesAreReportedTogetherWithLinesKeysAndSuggestion() {
        ConfigReport report = ConfigLoader.check(resourceFile("five-mistakes.yaml"), List.of());

        assertThat(report.hasErrors()).isTrue();
        assertThat(report.problems())
                .extracting(ConfigProblem::key, ConfigProblem::line, ConfigProblem::value, ConfigProblem::suggestion)
                .containsExactly(
                        tuple("colour", 4, "blue", null),
                        tuple("learning_rat", 5, "1.0e-4", "learning_rate"),
                        tuple("batch_size", 6, "four", null),
                        tuple("lora_rank", 7, "0", null),
                        tuple("train_data_dir", 0, null, null));
        assertThat(report.problems()).allMatch(ConfigProblem::isError);
        List<String> texts = report.problems().stream().map(ConfigProblem::text).toList();
        assertThat(texts.get(0)).startsWith("colour: unknown key").endsWith("(line 4)");
        assertThat(texts.get(1)).isEqualTo("learning_rat: unknown key; did you mean `learning_rate`? (line 5)");
        assertThat(texts.get(2)).isEqualTo("batch_size: must be an integer 1..1024, found four (line 6)");
        assertThat(texts.get(3)).isEqualTo("lora_rank: must be an integer 1..1024, found 0 (line 7)");
        assertThat(texts.get(4)).startsWith("train_data_dir: is required but missing; add a line like train_data_dir:");
    }

    @Test
    void loadThrowsConfigExceptionWhoseMessageHasOneLinePerErrorPrefixedWithTheFileName() {
        assertThatThrownBy(() -> ConfigLoader.load(resourceFile("five-mistakes.yaml")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(5);
                    assertThat(e.getMessage().lines()).hasSize(5).allMatch(l -> l.startsWith("five-mistakes.yaml: "));
                    assertThat(e).isInstanceOf(UserException.class);
                });
    }

    @Test
    void duplicateKeyIsAnErrorNamingBothLines() {
        ConfigReport report = ConfigLoader.check(resourceFile("duplicate-key.yaml"), List.of());

        assertThat(report.errors()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("lora_rank");
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.value()).isEqualTo("16");
            assertThat(p.message()).contains("first at line 4");
        });
    }

    @Test
    void syntaxErrorNamesLineAndColumnAndNothingElseIsReported() {
        ConfigReport report = ConfigLoader.check(resourceFile("syntax-error.yaml"), List.of());

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEmpty();
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.column()).isPositive();
            assertThat(p.text()).startsWith("YAML syntax error: ").contains("line 3").contains("(line 4, column ");
        });
    }

    @Test
    void emptyFileReportsTheThreeRequiredKeys() {
        assertThat(check("# nothing yet\n", dir).problems())
                .extracting(ConfigProblem::key).containsExactly("name", "base_model", "train_data_dir");
    }

    @Test
    void topLevelListIsRefused() {
        assertThat(check("- name: x\n", dir).problems()).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("key: value lines, found a list"));
    }

    @Test
    void absentKeysTakeDefaultsAndCountAsDefaults() {
        LoadedConfig loaded = ConfigLoader.load(REQUIRED + "lora_rank: 16\n", "t.yaml", dir, List.of());

        TrainingConfig c = loaded.config();
        assertThat(c.loraRank()).isEqualTo(16);
        assertThat(c.modelType()).isEqualTo(ModelType.SD15);
        assertThat(c.learningRate()).isEqualTo(2e-4);
        assertThat(c.unetTargetModules()).containsExactly("attentions");
        assertThat(c.targetModules()).containsExactly("q_proj", "v_proj");
        assertThat(c.lrScheduler()).isEqualTo(LrScheduler.CONSTANT);
        assertThat(c.sampleNegativePrompt()).isEmpty();
        assertThat(c.loraAlpha()).isEmpty();
        assertThat(c.outputDir()).isEmpty();
        assertThat(c.savePrecision()).isEqualTo(SavePrecision.FP16);
        assertThat(c.saveFormat()).isEqualTo(SaveFormat.KOHYA);
        assertThat(loaded.explicitKeys()).containsExactlyInAnyOrder("name", "base_model", "train_data_dir",
                "lora_rank");
        assertThat(loaded.defaultCount()).isEqualTo(ConfigFields.all().size() - 4);
        assertThat(loaded.lineOf("lora_rank")).hasValue(4);
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolderAndKeepTheirWrittenForm() {
        Path file = resourceFile("relative-paths.yaml");
        Path folder = file.getParent().toAbsolutePath();

        TrainingConfig c = TrainingConfig.fromYaml(file);

        assertThat(c.baseModel().written()).isEqualTo("../models/sd15.safetensors");
        assertThat(c.baseModel().resolved()).isEqualTo(folder.getParent().resolve("models/sd15.safetensors"));
        assertThat(c.trainDataDir().resolved()).isEqualTo(folder.resolve("data/images"));
        assertThat(c.metadataPath()).get().extracting(ConfigPath::resolved)
                .isEqualTo(folder.resolve("data/metadata.csv"));
        assertThat(c.outputDir()).get().extracting(ConfigPath::resolved)
                .isEqualTo(Path.of("/tmp/lorastudio-absolute-runs"));
        assertThat(c.outputDirOr(Path.of("/ws"))).isEqualTo(Path.of("/tmp/lorastudio-absolute-runs"));
    }

    @Test
    void defaultOutputDirIsTheWorkspaceRunsFolderChosenByTheCaller() {
        TrainingConfig c = load(REQUIRED, dir);
        assertThat(c.outputDirOr(Path.of("/ws"))).isEqualTo(Path.of("/ws/runs"));
    }

    @Test
    void validOverridesAreTypedLikeFileValuesAndWin() {
        LoadedConfig loaded = ConfigLoader.load(REQUIRED + "lora_rank: 16\n", "t.yaml", dir, List.of(
                "lora_rank=32", "unet_target_modules=[attentions, resnets]", "learning_rate=1e-4",
                "lora_alpha=8", "name=run #2 [final]", "mixed_precision=fp16", "lora_rank=64"));

        TrainingConfig c = loaded.config();
        assertThat(c.loraRank()).isEqualTo(64);
        assertThat(c.unetTargetModules()).containsExactly("attentions", "resnets");
        assertThat(c.learningRate()).isEqualTo(1e-4);
        assertThat(c.loraAlpha()).contains(8.0);
        assertThat(c.name()).isEqualTo("run #2 [final]");
        assertThat(c.mixedPrecision()).isEqualTo(MixedPrecision.FP16);
        assertThat(loaded.overridden()).contains("lora_rank", "name");
    }

    @Test
    void overrideCanUnsetAnOptionalKey() {
        TrainingConfig c = load(REQUIRED + "lora_alpha: 4\n", dir, "lora_alpha=");
        assertThat(c.loraAlpha()).isEmpty();
    }

    @Test
    void overridePathsResolveAgainstTheWorkingDirectory() {
        TrainingConfig c = load(REQUIRED, dir, "base_model=other/model.safetensors");
        assertThat(c.baseModel().resolved())
                .isEqualTo(Path.of("").toAbsolutePath().resolve("other/model.safetensors"));
    }

    @Test
    void invalidOverridesAreNamedInsteadOfALine() {
        ConfigReport report = check(REQUIRED, dir, "lora_rank=0", "learning_rat=1e-4", "oops", "batch_size=[1");

        assertThat(report.problems()).extracting(ConfigProblem::text).containsExactly(
                "--set lora_rank=0: must be an integer 1..1024, found 0",
                "--set learning_rat=1e-4: unknown key; did you mean `learning_rate`?",
                "--set oops: must be key=value, e.g. --set lora_rank=16",
                "--set batch_size=[1: is not a valid YAML value (while parsing a flow sequence);"
                        + " lists are written [a, b]");
        assertThat(report.problems()).allMatch(p -> p.line() == 0);
    }

    @Test
    void wrongTypesSayWhatWasFoundAndWhatToDo() {
        ConfigReport report = check(REQUIRED + String.join("\n",
                "lora_rank: \"16\"",
                "enable_bucket: yes",
                "unet_target_modules: attentions",
                "learning_rate: fast",
                "epochs: 1.5",
                "optimizer: adam",
                "resolution: 500",
                "device: gpu",
                "seed: 99999999999999999999",
                "max_grad_norm:",
                "lora_dropout: 1"), dir);

        assertThat(report.problems()).extracting(ConfigProblem::text).containsExactly(
                "lora_rank: must be an integer 1..1024, found \"16\"; remove the quotes (line 4)",
                "enable_bucket: must be true or false, found yes (line 5)",
                "unet_target_modules: must be a list of module names (letters, digits, _ . *), found attentions;"
                        + " write it as [attentions] (line 6)",
                "learning_rate: must be a number > 0 and <= 1, found fast (line 7)",
                "epochs: must be an integer 1..100000, found 1.5 (line 8)",
                "optimizer: must be one of adamw, lion, sgd, found adam (line 9)",
                "resolution: must be an integer 64..4096, a multiple of 64, found 500 (line 10)",
                "device: must be auto, cpu, cuda or cuda:N (N = GPU index), found gpu (line 11)",
                "seed: must be an integer >= 0, found 99999999999999999999 (line 12)",
                "max_grad_norm: must be a number >= 0, found nothing; remove the line to use the default, 1"
                        + " (line 13)",
                "lora_dropout: must be a number >= 0 and < 1, found 1 (line 14)");
    }

    @Test
    void choicesIgnoreCaseAndNoIsAMixedPrecisionNotABoolean() {
        TrainingConfig c = load(REQUIRED + "optimizer: AdamW\nmixed_precision: no\nlr_scheduler: Cosine\n", dir);
        assertThat(c.optimizer()).isEqualTo(Optimizer.ADAMW);
        assertThat(c.mixedPrecision()).isEqualTo(MixedPrecision.NO);
        assertThat(c.lrScheduler()).isEqualTo(LrScheduler.COSINE);
    }

    @Test
    void emptyValuesMeanUnsetEmptyTextOrEmptyList() {
        TrainingConfig c = load(REQUIRED + "lora_alpha:\nsample_negative_prompt:\nsample_prompts:\n", dir);
        assertThat(c.loraAlpha()).isEmpty();
        assertThat(c.sampleNegativePrompt()).isEmpty();
        assertThat(c.samplePrompts()).isEmpty();

        assertThat(check("name:\nbase_model: m\ntrain_data_dir: d\n", dir).problems()).singleElement()
                .satisfies(p -> assertThat(p.text()).startsWith("name: is required but has no value"));
    }

    @Test
    void listsRefuseRepeatsAndBlankPrompts() {
        ConfigReport report = check(REQUIRED + "unet_target_modules: [to_q, to_q]\nsample_prompts: [\"  \"]\n",
                dir);
        assertThat(report.problems()).extracting(ConfigProblem::key, ConfigProblem::line)
                .containsExactly(tuple("unet_target_modules", 4), tuple("sample_prompts", 5));
        assertThat(report.problems().get(0).message()).contains("to_q twice");
    }

    @Test
    void namesThatAreNotSafeInFileNamesAreRefused() {
        assertThat(check("name: a/b\nbase_model: m\ntrain_data_dir: d\n", dir).problems())
                .singleElement().extracting(ConfigProblem::key).isEqualTo("name");
        assertThat(check("name: ..\nbase_model: m\ntrain_data_dir: d\n", dir).hasErrors()).isTrue();
        assertThat(load("name: my character (v2)\nbase_model: m\ntrain_data_dir: d\n", dir).name())
                .isEqualTo("my character (v2)");
    }

    @Test
    void aliasesFromOtherToolsAreSuggested() {
        assertThat(check(REQUIRED + "network_dim: 16\ntrain_batch_size: 2\nLora-Rank: 4\n", dir).problems())
                .extracting(ConfigProblem::suggestion)
                .containsExactly("lora_rank", "batch_size", "lora_rank");
    }

    @Test
    void crossFieldErrorStopsLoadingAndWarningDoesNot() {
        ConfigReport samples = check(REQUIRED + "sample_every_n_steps: 50\n", dir);
        assertThat(samples.errors()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("sample_every_n_steps");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("sample_prompts is empty");
        });

        ConfigReport teLr = check(REQUIRED + "text_encoder_lr: 5e-5\n", dir);
        assertThat(teLr.hasErrors()).isFalse();
        assertThat(teLr.warnings()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("text_encoder_lr");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("no effect");
        });
        assertThat(teLr.loaded().orElseThrow().warnings()).hasSize(1);
    }

    @Test
    void nothingToTrainIsAnError() {
        assertThat(check(REQUIRED + "unet_target_modules: []\n", dir).errors())
                .singleElement().extracting(ConfigProblem::key).isEqualTo("unet_target_modules");
        assertThat(check(REQUIRED + "unet_target_modules: []\ntext_encoder_target_modules: [q_proj]\n", dir)
                .hasErrors()).isFalse();
    }

    @Test
    void keysOfTheOtherModelTypeDrawWarnings() {
        ConfigReport report = check(REQUIRED + "target_modules: [q_proj, k_proj]\nmax_seq_length: 512\n", dir);
        assertThat(report.hasErrors()).isFalse();
        assertThat(report.warnings()).extracting(ConfigProblem::key).containsExactly("target_modules");

        ConfigReport llm = check(REQUIRED + "model_type: llm\nresolution: 768\n", dir);
        assertThat(llm.warnings()).extracting(ConfigProblem::key).containsExactly("resolution");
    }

    @Test
    void crossFieldRulesAreSkippedForKeysThatAlreadyHaveAProblem() {
        ConfigReport report = check(REQUIRED + "sample_every_n_steps: -1\n", dir);
        assertThat(report.problems()).singleElement().extracting(ConfigProblem::key)
                .isEqualTo("sample_every_n_steps");
    }

    @Test
    void bf16IsAcceptedHereWithAWarningThatRunsRefuseIt() {
        assertThat(load(REQUIRED + "mixed_precision: bf16\n", dir).mixedPrecision()).isEqualTo(MixedPrecision.BF16);
        ConfigReport bf16 = ConfigLoader.check(REQUIRED + "mixed_precision: bf16\n", "t.yaml", dir, List.of());
        assertThat(bf16.hasErrors()).isFalse();
        assertThat(bf16.problems()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("mixed_precision");
            assertThat(p.isError()).isFalse();
            assertThat(p.message()).contains("refused when a run starts").contains("use fp16 or no");
        });
        ConfigReport fp16Cpu = ConfigLoader.check(REQUIRED + "mixed_precision: fp16\ndevice: cpu\n", "t.yaml", dir,
                List.of());
        assertThat(fp16Cpu.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("trains correctly but 3-6x slower"));
        assertThat(ConfigLoader.check(REQUIRED + "mixed_precision: fp16\n", "t.yaml", dir, List.of()).problems())
                .isEmpty();
    }

    @Test
    void hostileYamlBecomesAProblemNotACrash() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 12; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*a" + (i - 1)))).append("]\n");
        }
        String deep = "name: " + "[".repeat(200) + "]".repeat(200) + "\n";
        String huge = REQUIRED + "#" + "x".repeat(YamlConfigReader.MAX_CHARS) + "\n";
        String tabs = "name: t\n\tlora_rank: 4\n";

        for (String yaml : List.of(bomb.toString(), deep, huge, tabs)) {
            ConfigReport report = check(yaml, dir);
            assertThat(report.hasErrors()).isTrue();
            assertThat(report.errors()).isNotEmpty().allSatisfy(p -> assertThat(p.text()).isNotBlank());
        }
    }

    @Test
    void missingFileIsAUserErrorWithAPlainMessage() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("config file not found: ");
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreFine() throws IOException {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, "\uFEFF" + REQUIRED.replace("\n", "\r\n") + "lora_rank: 4\r\n");
        assertThat(TrainingConfig.fromYaml(file).loraRank()).isEqualTo(4);
    }

    @Test
    void invalidUtf8IsAUserError() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("not UTF-8");
    }
}
