package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.config.ConfigTestSupport.REQUIRED;
import static org.lorastudio.config.ConfigTestSupport.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWriterTest {
    @TempDir
    Path dir;

    private static final String RICH = """
            name: round trip
            base_model: ../models/sd15.safetensors
            train_data_dir: data
            metadata_path: data/metadata.csv
            lora_rank: 16
            lora_alpha: 8
            learning_rate: 1.5e-4
            text_encoder_lr: 5e-5
            text_encoder_target_modules: [q_proj, k_proj, v_proj, out_proj]
            unet_target_modules: [attentions, resnets]
            adam_epsilon: 1e-8
            max_train_steps: 1234
            mixed_precision: "no"
            sample_every_n_steps: 50
            sample_prompts: ["He said \\"hi\\": #1, [x]", "yes", "line one\\nline two", "ünïcödé, 東京"]
            sample_negative_prompt: "null"
            save_format: diffusers
            """;

    @Test
    void savedConfigLoadsBackEqual() throws IOException {
        TrainingConfig original = load(RICH, dir);
        Path file = dir.resolve("config.yaml");

        original.save(file);
        TrainingConfig reloaded = TrainingConfig.fromYaml(file);

        assertThat(reloaded).isEqualTo(original);
        assertThat(reloaded.samplePrompts()).containsExactly("He said \"hi\": #1, [x]", "yes", "line one\nline two",
                "ünïcödé, 東京");
        assertThat(reloaded.sampleNegativePrompt()).isEqualTo("null");
    }

    @Test
    void defaultsRoundTripToo() throws IOException {
        TrainingConfig original = load(REQUIRED, dir);
        Path file = dir.resolve("config.yaml");
        ConfigWriter.save(original, file);
        assertThat(TrainingConfig.fromYaml(file)).isEqualTo(original);
    }

    @Test
    void everyKeyIsWrittenInDescriptorOrderUnderSectionHeadings() {
        String yaml = load(REQUIRED, dir).toYaml(dir);

        List<String> keys = yaml.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.substring(0, l.indexOf(':'))).toList();
        assertThat(keys).containsExactlyElementsOf(ConfigFields.all().stream().map(ConfigField::key).toList());
        assertThat(yaml).contains("# --- Model: ", "# --- LoRA: ", "# --- Sampling: ",
                "# --- LLM: language-model data settings (not used by sd15)");
        assertThat(yaml).contains("lora_alpha: null  # unset: = lora_rank\n");
        assertThat(yaml).contains("output_dir: null  # unset: <workspace>/runs\n");
        assertThat(yaml).contains("learning_rate: 2.0e-4\n", "mixed_precision: 'no'\n", "adam_epsilon: 1.0e-8\n");
        assertThat(yaml.indexOf("name:")).isLessThan(yaml.indexOf("lora_rank:"));
    }

    @Test
    void savingElsewhereRewritesRelativePathsSoTheyPointAtTheSameFiles() throws IOException {
        TrainingConfig original = load(RICH, dir);
        Path runDir = Files.createDirectories(dir.resolve("workspace/runs/run1"));
        Path file = runDir.resolve("config.yaml");

        original.save(file);
        TrainingConfig reloaded = TrainingConfig.fromYaml(file);

        assertThat(reloaded.baseModel().resolved()).isEqualTo(original.baseModel().resolved());
        assertThat(reloaded.baseModel().written()).isEqualTo("../../../../models/sd15.safetensors");
        assertThat(reloaded.toMap()).isEqualTo(original.toMap());
    }

    @Test
    void saveIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "old content");

        load(REQUIRED, dir).save(file);

        assertThat(Files.readString(file)).startsWith("# LoRA Studio training config");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void toMapHasEveryKeyWithPlainValues() {
        TrainingConfig c = load(RICH, dir);

        var map = c.toMap();

        assertThat(map.keySet()).containsExactlyElementsOf(ConfigFields.all().stream().map(ConfigField::key)
                .toList());
        assertThat(map.get("lora_rank")).isEqualTo(16);
        assertThat(map.get("learning_rate")).isEqualTo(1.5e-4);
        assertThat(map.get("mixed_precision")).isEqualTo("no");
        assertThat(map.get("save_format")).isEqualTo("diffusers");
        assertThat(map.get("unet_target_modules")).isEqualTo(List.of("attentions", "resnets"));
        assertThat(map.get("base_model")).isEqualTo(dir.getParent().resolve("models/sd15.safetensors").toString());
        assertThat(map.get("output_dir")).isNull();
        assertThat(map.get("max_train_steps")).isEqualTo(1234);
    }
}
