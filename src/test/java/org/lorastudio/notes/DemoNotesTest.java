package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetFingerprint;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.SampleIndex;

/**
 * The whole notes life cycle on the demo data set, the way the trainer drives it: a first run, a fork with one
 * change, the start (Data, Config changes), the end (Results), and the user's own words around them. The notes are
 * copied to {@code target/demo-notes/} so a person can read them rendered.
 */
class DemoNotesTest {
    @TempDir
    Path workspace;

    @Test
    void theDemoRunsNotesReadLikeAnExperimentLog() throws IOException {
        Path data = workspace.resolve("datasets/demo");
        DemoDatasetGenerator.generate(data);
        Dataset dataset = DatasetScanner.scan(data);
        DatasetFingerprint fp = DatasetFingerprint.of(dataset);
        String config = "name: demo\nbase_model: ../../models/demo\ntrain_data_dir: ../../datasets/demo\n"
                + "resolution: 64\nlora_rank: 4\nbatch_size: 4\nepochs: 10\nlearning_rate: 1e-3\n"
                + "sample_every_n_steps: 20\nsample_prompts:\n  - \"a red circle on a white background\"\n"
                + "  - \"a blue square on a black background\"\n";
        RunFolder first = RunFolder.create(workspace.resolve("runs"), "demo", "sd15", config, TestRuns.T);
        train(first, dataset, fp, 1.0);

        RunFolder second = RunPlanner.fork(first, List.of("lora_rank=8", "learning_rate=5e-4"),
                TestRuns.T.plusSeconds(600));
        Files.writeString(second.notesFile(), second.notesText().replace("## Goal\n", "## Goal\n\n"
                + "Does a rank-8 adapter with half the learning rate keep the shapes sharper than run 1?\n"));
        String why = "Rank 4 blurred the square's corners by step 60; more capacity should help, and halving the "
                + "LR keeps the larger adapter from overshooting.\n";
        Files.writeString(second.notesFile(), second.notesText().replace("<!-- config-changes:end -->\n",
                "<!-- config-changes:end -->\n\n" + why));
        train(second, dataset, fp, 0.8);
        String hint = "_What did you learn, and what will you try next? A good conclusion names the next run's one "
                + "change._\n";
        Files.writeString(second.notesFile(), second.notesText().replace(hint, hint
                        + "\nRank 8 reaches a lower smoothed loss and the square keeps its corners. Next: "
                        + "`flip_aug: true` to see whether it generalises to mirrored layouts.\n"));

        String notes = second.notesText();
        assertThat(notes).containsSubsequence("# demo", "## Goal", "Does a rank-8 adapter", "## Data",
                "**Images:** 32", "**Fingerprint:** `sha256:" + fp.sha256(), "## Config changes",
                "- `lora_rank`: `4` → `8`", "- `learning_rate`: `1e-3` → `5e-4`", "Rank 4 blurred", "## Results",
                "**Status:** completed after 80 of 80 steps", "![Loss curve", "| prompt | step 20 |",
                "## Conclusion", "Next: `flip_aug: true`");
        Path out = Path.of("target/demo-notes");
        Files.createDirectories(out.resolve("samples"));
        Files.writeString(out.resolve("notes.md"), notes);
        Files.copy(second.dir().resolve("loss.png"), out.resolve("loss.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (SampleIndex.Sample s : SampleIndex.read(second.samplesDir()).samples()) {
            Files.copy(s.file(), out.resolve("samples").resolve(s.file().getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** What the trainer does around a run: notes at the start, metrics and samples, outcome and notes at the end. */
    private static void train(RunFolder run, Dataset dataset, DatasetFingerprint fp, double scale) throws IOException {
        run.update(r -> r.started(TestRuns.T).withTotalSteps(80).withDevice("cpu", "no"));
        RunNotes.onRunStarted(run, dataset, fp);
        SampleIndex.writePrompts(run.samplesDir(), List.of("a red circle on a white background",
                "a blue square on a black background"));
        java.util.Random noise = new java.util.Random(7);
        try (MetricsLog log = run.openMetricsLog()) {
            for (int s = 1; s <= 80; s++) {
                double loss = scale * (0.12 * Math.exp(-s / 25.0) + 0.05) + noise.nextGaussian() * 0.015;
                log.append(new MetricPoint(s, 1 + (s - 1) / 8, loss, 1e-3, s * 1.5, 2.7));
                if (s % 20 == 0) {
                    for (int p = 0; p < 2; p++) {
                        var scene = DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 32).get(p * 3);
                        javax.imageio.ImageIO.write(DemoDatasetGenerator.render(scene, 64), "png",
                                run.samplesDir().resolve(SampleIndex.fileName(s, p)).toFile());
                    }
                }
            }
        }
        Files.write(run.dir().resolve("demo_r4_lr1e-3_ep10.safetensors"), new byte[16]);
        run.update(r -> r.withStepsDone(80).completed(TestRuns.T.plusSeconds(125),
                FinalMetrics.from(run.metrics(), 125.0, 1_200_000_000L), List.of()));
        RunNotes.onRunEnded(run);
    }
}
