package org.lorastudio.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.report.StrengthSweep;
import org.lorastudio.run.RunStatus;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Trainer;

/** {@code runs report --sweep}: a real sd-tiny-a run's final LoRA drawn at each strength, and the report's table. */
class RunsReportSweepTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void drawsTheFinalLoraAtEachStrengthAndTheReportShowsThem() throws Exception {
        Path data = dir.resolve("data");
        DemoDatasetGenerator.generate(data, 3, 4, 64);
        Path workspace = dir.resolve("ws");
        TrainingConfig config = TrainingConfig.minimal("sweep", Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", 4)
                .with("learning_rate", 5e-2).with("save_steps", 4).with("sample_steps", 3)
                .with("save_precision", org.lorastudio.config.SavePrecision.FP32)
                .with("sample_prompts", List.of("a red circle on a blue background", "a green square", "third"));
        Trainer trainer = Trainer.start(config, workspace, Optional.empty());
        assertThat(trainer.run()).isEqualTo(RunStatus.COMPLETED);
        Path runDir = trainer.runFolder().dir();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path report = dir.resolve("report.md");
        int code = run(out, err, "runs", "report", "--runs-dir", runDir.getParent().toString(),
                runDir.getFileName().toString(), "--sweep", "0,0.5,1", "--out", report.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("sweep of 2 prompt(s) at 3 strengths");

        Path sweep = runDir.resolve(StrengthSweep.DIR);
        assertThat(Files.readAllLines(sweep.resolve(StrengthSweep.PROMPTS)))
                .containsExactly("a red circle on a blue background", "a green square");
        BufferedImage zero = ImageIO.read(sweep.resolve("p0-s0.png").toFile());
        BufferedImage one = ImageIO.read(sweep.resolve("p0-s1.png").toFile());
        assertThat(zero.getWidth()).as("the training resolution").isEqualTo(64);
        long differing = 0;
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                differing += zero.getRGB(x, y) != one.getRGB(x, y) ? 1 : 0;
            }
        }
        assertThat(differing).as("pixels the LoRA changes at strength 1").isGreaterThan(0);

        String md = Files.readString(report);
        assertThat(md).contains("## Strength sweep")
                .contains("| prompt | strength 0 | strength 0.5 | strength 1 |")
                .contains("| a green square | ![0](")
                .contains("sweep/p1-s0.5.png");
        for (String link : List.of("p0-s0.png", "p0-s0.5.png", "p0-s1.png", "p1-s0.png", "p1-s0.5.png", "p1-s1.png")) {
            assertThat(sweep.resolve(link)).isRegularFile();
        }

        // a report without --sweep still shows the sweep the run has; bad strengths are one plain line
        assertThat(run(new StringWriter(), err, "runs", "report", "--runs-dir", runDir.getParent().toString(),
                runDir.getFileName().toString(), "--out", dir.resolve("again.md").toString())).isZero();
        assertThat(Files.readString(dir.resolve("again.md"))).contains("## Strength sweep");
        StringWriter bad = new StringWriter();
        assertThat(run(new StringWriter(), bad, "runs", "report", "--runs-dir", runDir.getParent().toString(),
                runDir.getFileName().toString(), "--sweep", "0,99", "--out", dir.resolve("x.md").toString()))
                .isNotZero();
        assertThat(bad.toString()).contains("--sweep must be strengths").doesNotContain("Exception");
    }
}
