package org.lorastudio.reliability.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.compare.Lineage;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

/**
 * Issue 9, item 5, for files that name other files: a downloaded model's shard index and a shared run's
 * {@code run.json}. Neither may send the studio to a file outside the folder it came with.
 */
class ModelPathSafetyTest {
    @TempDir
    Path tmp;

    /** {@code model.safetensors.index.json} maps tensors to shard files; each must be a file of the same folder. */
    @Test
    void shardIndexCannotNameFilesOutsideTheModelFolder() throws IOException {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.copy(Fixtures.path("llama-tiny-a/model.safetensors"), outside.resolve("stolen.safetensors"));
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.copy(Fixtures.path("llama-tiny-a/config.json"), model.resolve("config.json"));
        Files.createDirectories(model.resolve("sub"));
        Files.copy(Fixtures.path("llama-tiny-a/model.safetensors"), model.resolve("sub/shard.safetensors"));
        List<String> hostile = List.of("../outside/stolen.safetensors", outside.resolve("stolen.safetensors").toString(),
                "sub/shard.safetensors", "sub/../../outside/stolen.safetensors", "./../outside/stolen.safetensors",
                "config.json", "..", "");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String shard : hostile) {
                Files.writeString(model.resolve("model.safetensors.index.json"),
                        "{\"weight_map\": {\"model.embed_tokens.weight\": \"" + shard.replace("\\", "\\\\") + "\"}}");
                assertThatThrownBy(() -> LlamaForCausalLM.fromPretrained(model, manager)).as(shard)
                        .isInstanceOf(UserException.class)
                        .hasMessageContaining("which is not a .safetensors file in the same folder");
            }
        }
    }

    /** A run's parent id comes from its {@code run.json}; a path there must not open a run elsewhere. */
    @Test
    void parentRunIdInRunJsonCannotPointOutsideTheRunsFolder() throws IOException {
        Instant t = Instant.parse("2026-11-29T07:15:30Z");
        Path runs = tmp.resolve("runs");
        Path elsewhere = tmp.resolve("elsewhere");
        RunFolder outsider = RunFolder.create(elsewhere, "secret", "sd15", "name: x\n", t);
        RunFolder sibling = RunFolder.create(runs, "parent", "sd15", "name: x\n", t);
        RunFolder child = RunFolder.create(runs, "child", "sd15", "name: x\n", t.plusSeconds(1));
        String outsiderRef = "../elsewhere/" + outsider.id().value();
        for (String parent : List.of(outsiderRef, outsider.dir().toString(), "..", ".", "x\u0000y")) {
            RunRecord.read(child.runJson()).withParent(parent).write(child.runJson());
            Optional<Lineage.Parent> found = Lineage.parentOf(RunFolder.open(child.dir()));
            found.ifPresent(p -> assertThat(p.folder().dir().toAbsolutePath().normalize()).as(parent)
                    .startsWith(runs.toAbsolutePath().normalize()));
        }
        RunRecord.read(child.runJson()).withParent(sibling.id().value()).write(child.runJson());
        assertThat(Lineage.parentOf(RunFolder.open(child.dir()))).get()
                .satisfies(p -> assertThat(p.folder().dir()).isEqualTo(sibling.dir()));
    }
}
