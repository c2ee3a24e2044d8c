package org.lorastudio.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.notes.RunNotes;
import org.lorastudio.notes.TestRuns;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.SampleIndex;

class RunReportTest {
    @TempDir
    Path workspace;

    @Test
    void theHtmlReportContainsThePlotAndTheSamplesEmbedded() throws IOException {
        List<RunFolder> runs = twoRuns();
        Path out = workspace.resolve("reports/compare.html");
        assertThat(RunReport.write(runs, RunReport.Format.HTML, out, TestRuns.T)).containsExactly(out);
        String html = Files.readString(out);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<table>").contains("lora_rank")
                .contains("Loss curves").contains("Sharper reflections?");
        List<String> images = dataImages(html);
        // the overlaid plot, each run's own loss.png from its notes, and 6 samples in each run's grid and notes
        assertThat(images).hasSizeGreaterThanOrEqualTo(1 + 2 + 2 * 6);
        assertThat(html).containsPattern("<img src=\"data:image/png;base64,[A-Za-z0-9+/=]+\" "
                + "alt=\"Loss curves \\(raw and smoothed, EMA 0\\.9\\)\"");
        byte[] sample = Files.readAllBytes(runs.get(1).samplesDir().resolve(SampleIndex.fileName(20, 1)));
        assertThat(images).anySatisfy(b64 -> assertThat(Base64.getDecoder().decode(b64)).isEqualTo(sample));
        for (String b64 : images) {
            assertThat(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)))).isNotNull();
        }
        assertThat(html).doesNotContain("src=\"samples/").doesNotContain("src=\"../");
    }

    @Test
    void theMarkdownReportLinksRelativelyAndWritesThePlotNextToIt() throws IOException {
        List<RunFolder> runs = twoRuns();
        Path out = workspace.resolve("report.md");
        List<Path> written = RunReport.write(runs, RunReport.Format.MARKDOWN, out, TestRuns.T);
        assertThat(written).containsExactly(out, workspace.resolve("report-loss.png"));
        String md = Files.readString(out);
        String a = runs.get(0).id().value();
        String b = runs.get(1).id().value();
        assertThat(md).contains("![Loss curves (raw and smoothed, EMA 0.9)](report-loss.png)")
                .contains("## Config differences (2 of ")
                .contains("| lora_rank | 8 | 16 |")
                .contains("![step 10, prompt 1](runs/" + a + "/samples/step10-p0.png)")
                .contains("![Loss curve: raw and smoothed (EMA 0.9)](runs/" + b + "/loss.png)")
                .contains("### `" + b + "`").contains("#### Goal");
        for (Matcher m = Pattern.compile("!\\[[^\\]]*\\]\\(([^)]+)\\)").matcher(md); m.find(); ) {
            assertThat(workspace.resolve(m.group(1))).as(m.group(1)).isRegularFile();
        }
    }

    @Test
    void headingsAreDemotedOutsideCodeBlocks() {
        assertThat(RunReport.demoteHeadings("# A\n```\n# not\n```\n## B", 3))
                .isEqualTo("### A\n```\n# not\n```\n#### B");
        assertThat(RunReport.rebaseLinks("![x](loss.png) [y](https://e.org) [z](#top)", "runs/r"))
                .isEqualTo("![x](runs/r/loss.png) [y](https://e.org) [z](#top)");
    }

    private List<RunFolder> twoRuns() throws IOException {
        Path runsDir = workspace.resolve("runs");
        RunFolder a = TestRuns.finished(runsDir, "cyberpunk", TestRuns.config("cyberpunk", 8, "2e-4"), TestRuns.T);
        RunFolder b = TestRuns.finished(runsDir, "cyberpunk", TestRuns.config("cyberpunk", 16, "1e-4"),
                TestRuns.T.plusSeconds(3600));
        Files.writeString(b.notesFile(), b.notesText().replace("## Goal\n", "## Goal\n\nSharper reflections?\n"));
        RunNotes.onRunEnded(a);
        RunNotes.onRunEnded(b);
        return List.of(a, b);
    }

    private static List<String> dataImages(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
