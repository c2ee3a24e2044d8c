package org.lorastudio.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;

/** {@code lorastudio runs ...} end to end on run folders made by the test. */
class RunsCommandTest {
    private static final Instant T = Instant.parse("2026-11-29T07:15:30Z");

    @TempDir
    Path runs;

    private RunFolder a;
    private RunFolder b;

    private record Result(int code, String out, String err) {
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private Result runs(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "runs";
        all[1] = "--runs-dir";
        all[2] = runs.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return cli(all);
    }

    @BeforeEach
    void twoRuns() throws IOException {
        a = RunFolder.create(runs, "cyberpunk", "sd15", ConfigDiffTest.A, T);
        b = RunFolder.create(runs, "cyberpunk", "sd15", ConfigDiffTest.B, T.plusSeconds(3600));
        a.update(r -> r.withTotalSteps(3).withStepsDone(3).started(T).completed(T.plusSeconds(125),
                new FinalMetrics(0.1234, 0.1, 125.0, 4.0, null), List.of("cyberpunk_r8.safetensors")));
        try (MetricsLog log = b.openMetricsLog()) {
            log.append(new MetricPoint(1, 1, 0.4, 1.5e-4, 2, 3));
            log.append(new MetricPoint(2, 1, 0.25, 1.5e-4, 4, 3));
        }
        Files.writeString(b.notesFile(), "## Goal\nTry a lower learning rate on the neon set.\n");
    }

    @Test
    void compareShowsExactlyTheDifferingKeys() {
        Result r = runs("compare", a.id().value(), b.id().value());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> keyLines = configLines(r.out());
        assertThat(keyLines).extracting(l -> l.split("\\s+")[0])
                .containsExactly("lora_rank", "learning_rate", "noise_offset");
        assertThat(r.out()).contains("Config differences (3 of 10 keys)")
                .doesNotContain("base_model").doesNotContain("lora_alpha").doesNotContain("unet_target_modules")
                .doesNotContain("optimizer").doesNotContain("sample_prompts");
        assertThat(keyLines.get(0)).matches("lora_rank\\s+8\\s+16");
        assertThat(keyLines.get(1)).matches("learning_rate\\s+2e-4\\s+1\\.5e-4");
        assertThat(keyLines.get(2)).matches("noise_offset\\s+—\\s+0\\.05");
        assertThat(r.out()).containsPattern("status\\s+completed\\s+running")
                .containsPattern("final loss\\s+0\\.1234\\s+0\\.2500")
                .containsPattern("steps\\s+3/3\\s+2");
    }

    /** The rows of the config table: after its header and rule, up to the blank line. */
    private static List<String> configLines(String out) {
        List<String> lines = Arrays.asList(out.split("\n"));
        int start = 3; // title, header, rule
        int end = lines.indexOf("");
        return lines.subList(start, end);
    }

    @Test
    void compareAcceptsUniquePartsOfIdsAndPaths() {
        Result r = runs("compare", "20261129-071530", b.dir().toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("lora_rank");
    }

    @Test
    void compareAsMarkdownRendersValidTables() {
        Result r = runs("compare", "--format", "markdown", a.id().value(), b.id().value());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Arrays.asList(r.out().split("\n"));
        assertThat(lines).contains("## Config differences (3 of 10 keys)", "## Metrics");
        List<String> tableLines = lines.stream().filter(l -> l.startsWith("|")).toList();
        assertThat(tableLines).allSatisfy(l -> {
            assertThat(l).endsWith("|");
            assertThat(l.replace("\\|", "").chars().filter(c -> c == '|').count()).isEqualTo(4);
        });
        int header = lines.indexOf("| key | " + a.id().value() + " | " + b.id().value() + " |");
        assertThat(header).isPositive();
        assertThat(lines.get(header + 1)).isEqualTo("| --- | --- | --- |");
        assertThat(lines.get(header + 2)).isEqualTo("| lora_rank | 8 | 16 |");
        assertThat(lines.get(header + 4)).isEqualTo("| noise_offset | — | 0.05 |");
    }

    @Test
    void compareNeedsTwoRunsAndNamesAnUnknownOne() {
        assertThat(runs("compare", a.id().value()).code()).isNotZero();
        Result r = runs("compare", a.id().value(), "cyberpank");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("error: no run 'cyberpank'")
                .contains("did you mean").contains(b.id().value());
        Result same = runs("compare", a.id().value(), a.dir().toString());
        assertThat(same.err()).contains("given twice");
    }

    @Test
    void listShowsATableAndToleratesDamage() throws IOException {
        RunFolder broken = RunFolder.create(runs, "broken", "sd15", "name: broken\n", T.plusSeconds(60));
        Files.writeString(broken.runJson(), "{");
        Files.createDirectories(runs.resolve("stray"));
        Result r = runs("list");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).matches("ID\\s+NAME\\s+STATUS\\s+STEPS\\s+FINAL LOSS\\s+DURATION");
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).startsWith(a.id().value()).contains("completed").contains("0.1234")
                .contains("2m 05s");
        assertThat(lines.get(3)).startsWith(broken.id().value()).contains("unreadable");
        assertThat(lines.get(4)).startsWith(b.id().value()).contains("running").contains("0.2500");
        assertThat(r.err()).contains("warning: skipped").contains("stray").contains(broken.runJson().toString());
    }

    @Test
    void listGrepMatchesNameNotesAndConfig() {
        assertThat(runs("list", "--grep", "NEON SET").out()).contains(b.id().value()).doesNotContain(a.id().value());
        assertThat(runs("list", "--grep", "noise_offset").out()).contains(b.id().value())
                .doesNotContain(a.id().value());
        assertThat(runs("list", "--grep", "cyberpunk").out()).contains(a.id().value()).contains(b.id().value());
        assertThat(runs("list", "--grep", "nothing-like-this").out()).startsWith("no runs matching");
    }

    @Test
    void listOnAnEmptyFolderSaysSo() {
        Result r = cli("runs", "list", "--runs-dir", runs.resolve("empty").toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("no runs in");
    }

    @Test
    void showPrintsProvenanceConfigMetricsAndFiles() throws IOException {
        Files.write(a.dir().resolve("cyberpunk_r8.safetensors"), new byte[2048]);
        Result r = runs("show", "081530-cyberpunk");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("id\\s+" + b.id().value()).containsPattern("status\\s+running")
                .contains("config.yaml\n-----------\n" + ConfigDiffTest.B)
                .contains("(2 points logged)")
                .contains("samples/ (0 files)").contains("notes.md");
        Result ra = runs("show", a.id().value());
        assertThat(ra.out()).containsPattern("final loss\\s+0\\.1234").contains("cyberpunk_r8.safetensors (2.0 KB)")
                .contains("(none logged)");
    }

    @Test
    void helpWorksOnEveryCommand() {
        for (String[] args : List.of(new String[] {"runs", "--help"}, new String[] {"runs", "list", "--help"},
                new String[] {"runs", "show", "--help"}, new String[] {"runs", "compare", "--help"})) {
            Result r = cli(args);
            assertThat(r.code()).isZero();
            assertThat(r.out()).startsWith("Usage: lorastudio runs");
        }
        assertThat(cli("runs").out()).contains("list").contains("show").contains("compare");
    }
}
