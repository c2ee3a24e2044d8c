package org.lorastudio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.testing.Fixtures;

/** {@code demo measure} on the sd-tiny-a fixture (random weights: the numbers are low, the report is complete). */
class DemoMeasureCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void measuresABaseModelAndALoraAndPrintsTheBars() {
        int code = run("demo", "measure", "--model", Fixtures.path("sd-tiny-a/model-diffusers").toString(),
                "--lora", Fixtures.path("sd-tiny-a/lora-kohya.safetensors").toString(), "--prompts", "2",
                "--steps", "2");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("2 prompts (seed 0), 64x64, 2 DDIM steps, guidance 7.5",
                        "8 images in", "strength 0, plain", "strength 1, zkx style")
                .containsPattern("strength 0, plain: background \\d+\\.\\d % \\(bar 90 %: (met|below)\\), object colour"
                        + " \\d+\\.\\d % \\(bar 80 %: (met|below)\\), shape \\d+\\.\\d % \\(bar 60 %")
                .containsPattern("zkx style hollower at strength 1 than at 0: \\d+\\.\\d % \\(bar 80 %: \\w+\\) of 2"
                        + " prompts")
                .containsPattern("background right at strength 1 without the trigger: \\d+\\.\\d % \\(bar 80 %");
    }

    @Test
    void vaeRoundTripReadsDrawnScenesBeforeAndAfterTheShippedDemoVae() {
        int code = run("demo", "measure", "--model", Path.of("models/demo").toString(), "--vae-round-trip",
                "--prompts", "8");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        // the drawn scenes are the known answers: all right; the VAE keeps the colours (that is what it was trained
        // for) — the shape figure after it is the demo's measured ceiling, printed, not judged
        assertThat(text).contains("8 prompts (seed 0) drawn at 64x64 and sent through demo/vae")
                .containsPattern("drawn scenes +100\\.0 % +100\\.0 % +100\\.0 %")
                .containsPattern("after the VAE +(100\\.0|8\\d\\.\\d|9\\d\\.\\d) % +\\d+\\.\\d % +\\d+\\.\\d %");
        assertThat(run("demo", "measure", "--model", "models/demo", "--vae-round-trip", "--lora", "x")).isEqualTo(1);
        assertThat(err.toString()).contains("--vae-round-trip measures the VAE alone; leave out --lora");
    }

    @Test
    void refusesAMissingModelOrLoraInOneLine() {
        assertThat(run("demo", "measure", "--model", dir.resolve("nope").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("--model").contains("not a folder").doesNotContain("Exception");
        assertThat(run("demo", "measure", "--model", dir.toString(), "--lora", dir.resolve("x.safetensors")
                .toString())).isEqualTo(1);
        assertThat(err.toString()).contains("--lora").contains("file not found");
        assertThat(run("demo", "measure", "--model", dir.toString(), "--prompts", "0")).isEqualTo(1);
        assertThat(err.toString()).contains("--prompts must be 1..10000, found 0");
    }

    @Test
    void theDemoGroupListsMeasure() {
        assertThat(run("demo")).isZero();
        assertThat(out.toString()).contains("measure");
    }
}
