package org.lorastudio.ui.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigPreset;
import org.lorastudio.config.ConfigProblem;
import org.lorastudio.config.ModelType;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.common.UiTestData;

/** The Config screen's logic on the test thread. */
class ConfigViewModelTest {
    @TempDir
    Path tmp;
    private Path workspace;
    private Path configFile;
    private final List<String> errors = new ArrayList<>();
    private ConfigViewModel vm;

    @BeforeEach
    void setUp() {
        workspace = UiTestData.demoWorkspace(tmp, 24);
        configFile = workspace.resolve("configs").resolve("demo.yaml");
        vm = new ConfigViewModel(workspace, tmp.resolve("resources/configs"), TaskExecutor.sameThread());
        vm.setErrorHandler(errors::add);
        vm.open(configFile);
    }

    @Test
    void openingFillsTheFormFromTheYaml() {
        assertThat(vm.field("name").textProperty().get()).isEqualTo("demo");
        assertThat(vm.field("lora_rank").textProperty().get()).isEqualTo("4");
        assertThat(vm.field("lora_rank").explicitProperty().get()).isTrue();
        assertThat(vm.field("lora_alpha").textProperty().get()).isEmpty();
        assertThat(vm.field("lora_alpha").explicitProperty().get()).isFalse();
        assertThat(vm.field("sample_prompts").textProperty().get())
                .isEqualTo("a red circle on a white background\na blue square on a black background");
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.dirtyProperty().get()).isFalse();
        assertThat(vm.titleProperty().get()).isEqualTo("demo.yaml");
    }

    @Test
    void aFormEditChangesOnlyThatLineOfTheYamlAndKeepsComments() {
        vm.field("lora_rank").textProperty().set("8");
        assertThat(vm.yamlProperty().get()).isEqualTo(UiTestData.DEMO_CONFIG.replace("lora_rank: 4   # small on "
                + "purpose", "lora_rank: 8   # small on purpose"));
        vm.field("lora_alpha").textProperty().set("4");
        assertThat(vm.yamlProperty().get()).contains("lora_rank: 8   # small on purpose\nlora_alpha: 4\n");
        vm.field("sample_prompts").textProperty().set("a red circle\n\na green star, large");
        assertThat(vm.yamlProperty().get()).contains("sample_prompts:\n  - a red circle\n  - a green star, large\n"
                + "# sampling is cheap at 64 px\n");
        assertThat(vm.dirtyProperty().get()).isTrue();
        assertThat(vm.problems()).isEmpty();
    }

    @Test
    void clearingAFieldRemovesTheKeySoItsDefaultApplies() {
        vm.field("sample_steps").textProperty().set("");
        assertThat(vm.yamlProperty().get()).doesNotContain("sample_steps").contains("# sampling is cheap at 64 px");
        vm.field("name").textProperty().set("");
        assertThat(vm.yamlProperty().get()).contains("name: demo");
        assertThat(vm.field("name").problemProperty().get()).startsWith("is required");
    }

    @Test
    void anInvalidValueShowsTheValidatorsMessageInlineAndInTheList() {
        vm.field("lora_rank").textProperty().set("0");
        assertThat(vm.field("lora_rank").problemProperty().get()).isEqualTo("must be an integer 1..1024, found 0");
        assertThat(vm.field("lora_rank").errorProperty().get()).isTrue();
        assertThat(vm.yamlProperty().get()).contains("lora_rank: 4");

        vm.field("lora_rank").textProperty().set("abc");
        assertThat(vm.field("lora_rank").problemProperty().get()).contains("found abc");

        vm.yamlProperty().set(vm.yamlProperty().get().replace("lora_rank: 4", "lora_rank: 2000"));
        assertThat(vm.field("lora_rank").textProperty().get()).isEqualTo("2000");
        assertThat(vm.field("lora_rank").problemProperty().get()).contains("1..1024").contains("(line 6)");
        assertThat(vm.problems()).extracting(ConfigProblem::text).anyMatch(t -> t.startsWith("lora_rank: must be"));
        assertThat(vm.stepsProperty().get()).startsWith("Fix the errors");
    }

    @Test
    void crossFieldRulesAndUnknownKeysFromTheYamlTabAreShown() {
        vm.yamlProperty().set(vm.yamlProperty().get() + "lora_rnak: 3\n");
        assertThat(vm.problems()).extracting(ConfigProblem::text)
                .anyMatch(t -> t.contains("lora_rnak") && t.contains("did you mean `lora_rank`"));
        vm.yamlProperty().set(UiTestData.DEMO_CONFIG.replace("resolution: 64", "resolution: 64\nmodel_type: llm"));
        assertThat(vm.modelTypeProperty().get()).isEqualTo(ModelType.LLM);
        assertThat(vm.field("unet_target_modules").visibleProperty().get()).isFalse();
        assertThat(vm.field("max_seq_length").visibleProperty().get()).isTrue();
        vm.field("model_type").textProperty().set("sd15");
        assertThat(vm.field("unet_target_modules").visibleProperty().get()).isTrue();
        assertThat(vm.field("max_seq_length").visibleProperty().get()).isFalse();
    }

    @Test
    void theStepArithmeticFollowsTheFormAndTheDataFolder() {
        assertThat(vm.stepsProperty().get()).isEqualTo("24 images × 15 epochs ÷ batch 4 = 90 steps; checkpoints at "
                + "20, 40, 60, 80, 90; samples every 20 steps (4 times)");
        vm.field("batch_size").textProperty().set("8");
        assertThat(vm.stepsProperty().get()).startsWith("24 images × 15 epochs ÷ batch 8 = 45 steps");
        vm.field("train_data_dir").textProperty().set("../datasets/missing");
        assertThat(vm.stepsProperty().get()).contains("does not exist");
    }

    @Test
    void theMemoryEstimateFollowsBatchAndCheckpointing() throws IOException {
        assertThat(vm.memoryProperty().get()).startsWith("No memory estimate: base_model").contains("unet/config.json");
        Path model = configFile.getParent().resolve("../../models/demo").normalize(); // base_model of the config
        for (String part : List.of("unet", "text_encoder", "vae")) {
            Files.createDirectories(model.resolve(part));
            Files.copy(Fixtures.path("sd-tiny-a/model-diffusers/" + part + "/config.json"),
                    model.resolve(part).resolve("config.json"));
        }
        vm.field("epochs").textProperty().set("16"); // any edit re-estimates
        String first = vm.memoryProperty().get();
        assertThat(first).startsWith("Expected peak memory ≈ ").contains("batch 4", "weights", "activations")
                .contains("gradient_checkpointing: true lowers it");
        double batch4 = gigabytesOrMegabytes(first);
        vm.field("batch_size").textProperty().set("8");
        String second = vm.memoryProperty().get();
        assertThat(second).contains("batch 8");
        assertThat(gigabytesOrMegabytes(second)).isGreaterThan(batch4);
        assertThat(gigabytesOrMegabytes(second)).as("the tiny model").isLessThan(1024);
        vm.field("gradient_checkpointing").textProperty().set("true");
        assertThat(vm.memoryProperty().get()).contains("checkpointing").doesNotContain("lowers it");
    }

    /** The total in MB from "≈ 1.2 GB" or "≈ 350 MB". */
    private static double gigabytesOrMegabytes(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("≈ ([0-9.]+) (GB|MB)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return Double.parseDouble(m.group(1)) * (m.group(2).equals("GB") ? 1024 : 1);
    }

    @Test
    void presetsSetTheirKeysInPlace() {
        ConfigPreset gpu = vm.presets().stream().filter(p -> p.id().equals("8gb-gpu")).findFirst().orElseThrow();
        vm.applyPreset(gpu);
        String y = vm.yamlProperty().get();
        assertThat(y).contains("batch_size: 1\n", "gradient_accumulation_steps: 4", "lora_rank: 8   # small on purpose",
                "mixed_precision: fp16", "gradient_checkpointing: true", "# The demo config");
        assertThat(vm.presets()).extracting(ConfigPreset::title).contains("8 GB GPU", "Default", "Quality");
        assertThat(errors).isEmpty();
    }

    @Test
    void newFromPresetMakesAValidUnsavedConfig() {
        ConfigPreset quality = vm.presets().stream().filter(p -> p.id().equals("quality")).findFirst().orElseThrow();
        vm.newFromPreset(quality, "my_lora", workspace.resolve("datasets/demo"));
        assertThat(vm.fileProperty().get()).isNull();
        assertThat(vm.yamlProperty().get()).contains("name: my_lora", "train_data_dir: ../datasets/demo",
                "lora_rank: 16", "lr_scheduler: cosine");
        assertThat(vm.problems()).noneMatch(ConfigProblem::isError);
        assertThat(vm.stepsProperty().get()).startsWith("24 images × 20 epochs ÷ batch 4 = 120 steps");
    }

    @Test
    void saveWritesTheTextAtomicallyAndRefusesToOverwriteAnExternalChange() throws IOException {
        vm.field("epochs").textProperty().set("20");
        vm.save(false, () -> errors.add("changed on disk"));
        assertThat(Files.readString(configFile)).isEqualTo(vm.yamlProperty().get()).contains("epochs: 20");
        assertThat(vm.dirtyProperty().get()).isFalse();

        Files.writeString(configFile, "# edited elsewhere\n" + Files.readString(configFile));
        vm.field("epochs").textProperty().set("30");
        vm.save(false, () -> errors.add("changed on disk"));
        assertThat(errors).containsExactly("changed on disk");
        assertThat(Files.readString(configFile)).startsWith("# edited elsewhere").contains("epochs: 20");
        vm.save(true, () -> errors.add("again"));
        assertThat(Files.readString(configFile)).contains("epochs: 30");
    }

    @Test
    void saveAsRewritesRelativePathsForTheNewFolder() throws IOException {
        Path other = workspace.resolve("configs/sub/copy.yaml");
        Files.createDirectories(other.getParent());
        vm.saveAs(other);
        String text = Files.readString(other);
        assertThat(text).contains("train_data_dir: ../../datasets/demo", "base_model: ../../../models/demo   # the");
        assertThat(vm.fileProperty().get()).isEqualTo(other);
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.stepsProperty().get()).startsWith("24 images");
    }

    @Test
    void theConfigListHasTheWorkspaceConfigs() {
        vm.refreshFiles();
        assertThat(vm.configFiles()).containsExactly(configFile);
    }
}
