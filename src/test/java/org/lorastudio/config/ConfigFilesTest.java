package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lorastudio.config.ConfigTestSupport.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path dir;

    @Test
    void missingModelAndDataAreReportedWithWhatToDo() {
        TrainingConfig c = load("name: t\nbase_model: models/sd15.safetensors\ntrain_data_dir: data\n", dir);

        assertThat(ConfigFiles.check(c)).extracting(ConfigProblem::key)
                .containsExactly("base_model", "train_data_dir");
        assertThat(ConfigFiles.check(c).get(0).text())
                .contains("not found: " + dir.resolve("models/sd15.safetensors"))
                .contains("put an SD 1.5 .safetensors checkpoint or a diffusers folder there");
        assertThatThrownBy(() -> ConfigFiles.require(c)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t: base_model: not found");
    }

    @Test
    void presentFilesPass() throws IOException {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/sd15.safetensors"), "x");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/metadata.csv"), "file_name,text\n");
        TrainingConfig c = load("name: t\nbase_model: models/sd15.safetensors\ntrain_data_dir: data\n"
                + "metadata_path: data/metadata.csv\noutput_dir: runs\n", dir);

        assertThat(ConfigFiles.check(c)).isEmpty();
    }

    @Test
    void pickleCheckpointsAreRefused() throws IOException {
        Files.writeString(dir.resolve("model.ckpt"), "x");
        Files.createDirectories(dir.resolve("data"));
        TrainingConfig c = load("name: t\nbase_model: model.ckpt\ntrain_data_dir: data\n", dir);

        assertThat(ConfigFiles.check(c)).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("pickle").contains(".safetensors"));
    }

    @Test
    void diffusersFolderNeedsAMarkerAndLlmFolderNeedsConfigJson() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("sd/unet"));
        Files.createDirectories(dir.resolve("data"));
        TrainingConfig empty = load("name: t\nbase_model: empty\ntrain_data_dir: data\n", dir);
        TrainingConfig sd = load("name: t\nbase_model: sd\ntrain_data_dir: data\n", dir);
        TrainingConfig llm = load("name: t\nmodel_type: llm\nbase_model: sd\ntrain_data_dir: data\n", dir);

        assertThat(ConfigFiles.check(empty)).singleElement().satisfies(p -> assertThat(p.message())
                .contains("model_index.json"));
        assertThat(ConfigFiles.check(sd)).isEmpty();
        assertThat(ConfigFiles.check(llm)).singleElement().satisfies(p -> assertThat(p.message())
                .contains("config.json"));
    }

    @Test
    void metadataMustBeCsvOrJsonl() throws IOException {
        Files.writeString(dir.resolve("m.safetensors"), "x");
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/captions.txt"), "x");
        TrainingConfig c = load("name: t\nbase_model: m.safetensors\ntrain_data_dir: data\n"
                + "metadata_path: data/captions.txt\n", dir);

        assertThat(ConfigFiles.check(c)).singleElement().extracting(ConfigProblem::key).isEqualTo("metadata_path");
    }
}
