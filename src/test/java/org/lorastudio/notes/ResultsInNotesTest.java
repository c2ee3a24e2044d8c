package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.report.LossCurvePlot;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;

/** The Results section as a run ends: content, plot, sample grid, and user text left alone. */
class ResultsInNotesTest {
    @TempDir
    Path workspace;

    @Test
    void resultsAreReplacedNeverDuplicatedAndUserTextStaysByteIdentical() throws IOException {
        Path runs = workspace.resolve("runs");
        RunFolder run = TestRuns.finished(runs, "cyberpunk", TestRuns.config("cyberpunk", 8, "2e-4"), TestRuns.T);
        // the user writes a goal and a conclusion before the run ends
        String own = run.notesText().replace("## Goal\n", "## Goal\n\nSharper neon.  \r\nTabs\there ✓\n")
                + "\nMy closing words.\n";
        Files.writeString(run.notesFile(), own);
        RunNotes.onRunEnded(run);
        String afterFirst = run.notesText();

        // the user writes inside the Results section around the block, then the run is resumed and ends again
        String end = "<!-- results:end -->\n";
        String edited = afterFirst.replace(end, end + "\nThe samples at step 20 look best.\n");
        Files.writeString(run.notesFile(), edited);
        run.update(r -> r.stopped(TestRuns.T.plusSeconds(999)));
        RunNotes.onRunEnded(run);
        try (MetricsLog log = run.openMetricsLog()) {
            log.append(new MetricPoint(31, 4, 0.01, 2e-4, 70, 4));
        }
        run.update(r -> r.withStepsDone(31).withTotalSteps(31).completed(TestRuns.T.plusSeconds(1200),
                FinalMetrics.from(run.metrics(), 70.0, null), List.of()));
        org.lorastudio.notes.RunNotes.onRunEnded(run);
        String last = run.notesText();

        assertThat(last).containsOnlyOnce("<!-- results:begin").containsOnlyOnce(end)
                .containsOnlyOnce("**Status:** completed after 31 of 31 steps");
        assertThat(outside(last)).isEqualTo(outside(edited));
        assertThat(last).contains("Sharper neon.  \r\nTabs\there ✓\n").endsWith("\nMy closing words.\n")
                .contains(end + "\nThe samples at step 20 look best.\n");
    }

    @Test
    void resultsCarryLossFilesPlotAndSampleGrid() throws IOException {
        RunFolder run = TestRuns.finished(workspace.resolve("runs"), "cyberpunk",
                TestRuns.config("cyberpunk", 8, "2e-4"), TestRuns.T);
        org.lorastudio.notes.RunNotes.onRunEnded(run);
        String block = MarkedSection.RESULTS.contentIn(run.notesText()).orElseThrow();
        assertThat(block).contains("**Status:** completed after 30 of 30 steps (epoch 3)")
                .containsPattern("\\*\\*Loss\\*\\* \\(smoothed, EMA 0\\.9\\): final 0\\.\\d+, minimum 0\\.\\d+ at step "
                        + "\\d+ — raw: last 0\\.\\d+, minimum 0\\.\\d+")
                .contains("**Duration:** 1m 00s").contains("4.00 items/s").contains("**Peak memory:** 3.0 GB")
                .contains("[" + TestRuns.LORA + "](" + TestRuns.LORA + ")")
                .doesNotContain("state.safetensors")
                .contains("![Loss curve: raw and smoothed (EMA 0.9)](loss.png)")
                .contains("| prompt | step 10 | step 20 | step 30 |")
                .contains("| neon street at night, rain | ![step 10, prompt 1](samples/step10-p0.png) |")
                .contains("![step 30, prompt 2](samples/step30-p1.png)");
        BufferedImage plot = ImageIO.read(run.dir().resolve(LossCurvePlot.FILE_NAME).toFile());
        assertThat(plot.getWidth()).isEqualTo(800);
        assertThat(run.notesText()).containsSubsequence("## Results", "_Filled in when the run ends",
                "<!-- results:begin", "## Conclusion");
    }

    @Test
    void aFailedRunWithoutMetricsSaysWhatIsKnown() throws IOException {
        RunFolder run = RunFolder.create(workspace.resolve("runs"), "x", "sd15", "name: x\n", TestRuns.T);
        run.update(r -> r.failed("out of memory at step 1; lower batch_size", TestRuns.T.plusSeconds(3)));
        org.lorastudio.notes.RunNotes.onRunEnded(run);
        String block = MarkedSection.RESULTS.contentIn(run.notesText()).orElseThrow();
        assertThat(block).contains("**Status:** failed after 0 steps")
                .contains("**Error:** out of memory at step 1; lower batch_size")
                .contains("final —").contains("**LoRA files:** none written").doesNotContain("loss.png")
                .doesNotContain("Samples");
        assertThat(run.dir().resolve(LossCurvePlot.FILE_NAME)).doesNotExist();
    }

    /** Everything but the generated block. */
    private static String outside(String notes) {
        int b = notes.indexOf("<!-- results:begin");
        int e = notes.indexOf("<!-- results:end -->") + "<!-- results:end -->\n".length();
        return notes.substring(0, b) + "\u0000" + notes.substring(e);
    }
}
