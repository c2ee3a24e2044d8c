package org.lorastudio.reliability.kill;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.RunFolder;

/**
 * Regression for the first bug the kill test found: a {@code kill -9} in the middle of an atomic write leaves its
 * temporary file ({@code samples/.step3-p0.png.8673221054187799159.tmp}), and nothing ever removed it. A resume now
 * removes exactly those leftovers and unfinished checkpoint folders, and nothing else.
 */
class InterruptedWritesTest {
    @TempDir
    Path runs;

    @Test
    void removesTheLeftoversOfInterruptedWritesAndNothingElse() throws Exception {
        RunFolder run = RunFolder.create(runs, "x", "sd15", "name: x\n");
        Path dir = run.dir();
        Path tornLora = Files.writeString(dir.resolve(".x_r4_lr1e-4_ep1.safetensors.4242-1234567.tmp"), "torn");
        Path tornSample = Files.writeString(run.samplesDir().resolve(".step3-p0.png.4242-8673221054187799159.tmp"), "");
        Path tmpCheckpoint = Files.createDirectories(run.checkpointsDir().resolve(".tmp-step-000004"));
        Files.writeString(tmpCheckpoint.resolve("lora.safetensors"), "half");
        Path halfDeleted = Files.createDirectories(run.checkpointsDir().resolve("step-000006"));
        Files.writeString(halfDeleted.resolve("lora.safetensors"), "old");
        Path good = Files.createDirectories(run.checkpointsDir().resolve("step-000002"));
        Files.writeString(good.resolve("state.json"), "{}");
        Path userFile = Files.writeString(dir.resolve(".my-notes.tmp"), "mine"); // not an atomic-write name
        Path sample = Files.writeString(run.samplesDir().resolve("step3-p0.png"), "png");

        assertThat(run.removeInterruptedWrites()).isEqualTo(4);

        assertThat(tornLora).doesNotExist();
        assertThat(tornSample).doesNotExist();
        assertThat(tmpCheckpoint).doesNotExist();
        assertThat(halfDeleted).doesNotExist();
        assertThat(good.resolve("state.json")).exists();
        assertThat(userFile).exists();
        assertThat(sample).exists();
        assertThat(run.runJson()).exists();
        assertThat(run.removeInterruptedWrites()).isZero();
    }
}
