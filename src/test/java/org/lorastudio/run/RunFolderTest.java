package org.lorastudio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.NotesTemplate;
import org.lorastudio.util.UserException;

class RunFolderTest {
    private static final Instant T = Instant.parse("2026-11-29T07:15:30Z");
    private static final String CONFIG = "name: cyberpunk\nlora_rank: 16\n";

    @TempDir
    Path runs;

    @Test
    void createMakesTheWholeLayout() throws IOException {
        RunFolder f = RunFolder.create(runs, "Cyberpunk City", "sd15", CONFIG, T);
        assertThat(f.dir()).isEqualTo(runs.resolve("20261129-071530-cyberpunk-city"));
        assertThat(f.configText()).isEqualTo(CONFIG);
        assertThat(f.samplesDir()).isDirectory();
        assertThat(f.checkpointsDir()).isDirectory();
        RunRecord r = f.record();
        assertThat(r.id()).isEqualTo(f.id().value());
        assertThat(r.name()).isEqualTo("Cyberpunk City");
        assertThat(r.modelType()).isEqualTo("sd15");
        assertThat(r.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(r.created()).isEqualTo(T);
        try (var s = Files.list(f.dir())) {
            assertThat(s).extracting(p -> p.getFileName().toString())
                    .containsExactlyInAnyOrder("config.yaml", "notes.md", "run.json", "samples", "checkpoints");
        }
    }

    @Test
    void notesAreTheTemplateWithPlaceholdersFilled() throws IOException {
        RunFolder f = RunFolder.create(runs, "Cyberpunk City", "sd15", CONFIG, T);
        String notes = f.notesText();
        assertThat(notes).startsWith("# Cyberpunk City\n")
                .contains("`20261129-071530-cyberpunk-city`").contains("2026-11-29")
                .doesNotContain("{{");
        assertThat(notes).containsSubsequence("## Goal", "## Data", "## Config changes", "## Results",
                "## Conclusion");
        for (String heading : List.of("## Goal", "## Data", "## Config changes", "## Results", "## Conclusion")) {
            String after = notes.substring(notes.indexOf(heading) + heading.length()).strip();
            assertThat(after).as("hint under " + heading).startsWith("_");
        }
    }

    @Test
    void resultsGoUnderTheResultsHeadingOnceEvenWhenWrittenTwice() throws IOException {
        RunFolder f = RunFolder.create(runs, "x", "sd15", CONFIG, T);
        Files.writeString(f.samplesDir().resolve("step100_p0.png"), "png");
        f.update(r -> r.withTotalSteps(100).withStepsDone(100).completed(T.plusSeconds(3723),
                new FinalMetrics(0.08123, 0.07, 3723.0, null, null), List.of()));
        org.lorastudio.notes.RunNotes.onRunEnded(f);
        org.lorastudio.notes.RunNotes.onRunEnded(f);
        String notes = f.notesText();
        assertThat(notes).containsOnlyOnce("- **Status:** completed after 100 of 100 steps")
                .contains("- **Duration:** 1h 02m 03s")
                .contains("![step 100, prompt 1](samples/step100_p0.png)");
        assertThat(notes).containsSubsequence("## Results", "_Filled in when the run ends", "- **Status:** completed",
                "## Conclusion");
    }

    @Test
    void resultsAreAppendedWhenTheUserRemovedTheHeading() throws IOException {
        RunFolder f = RunFolder.create(runs, "y", "sd15", CONFIG, T);
        Files.writeString(f.notesFile(), "# my notes\nsome text\n");
        f.update(r -> r.withStepsDone(3).failed("boom", T.plusSeconds(12)));
        org.lorastudio.notes.RunNotes.onRunEnded(f);
        assertThat(f.notesText()).startsWith("# my notes\nsome text\n\n## Results\n\n<!-- results:begin")
                .contains("- **Status:** failed after 3 steps\n").contains("final —");
    }

    @Test
    void templateInsertsValuesLiterally() {
        String out = NotesTemplate.of("{{name}} / {{run_id}} / {{date}} / {{other}}")
                .render("{{date}}", "id", java.time.LocalDate.of(2026, 1, 2));
        assertThat(out).isEqualTo("{{date}} / id / 2026-01-02 / {{other}}");
    }

    @Test
    void twoRunsInTheSameSecondGetDifferentFolders() throws IOException {
        RunFolder a = RunFolder.create(runs, "x", "sd15", CONFIG, T);
        RunFolder b = RunFolder.create(runs, "x", "sd15", CONFIG, T.plusMillis(400));
        assertThat(a.id().value()).isEqualTo("20261129-071530-x");
        assertThat(b.id().value()).isEqualTo("20261129-071530-x-2");
        assertThat(b.record().id()).isEqualTo(b.id().value());
    }

    @Test
    void updateRewritesRunJsonAndRejectsAForeignRecord() throws IOException {
        RunFolder f = RunFolder.create(runs, "x", "sd15", CONFIG, T);
        f.update(r -> r.withTotalSteps(10).withStepsDone(10).completed(T.plusSeconds(60),
                new FinalMetrics(0.1, 0.09, 60.0, 3.0, null), List.of("x.safetensors")));
        assertThat(f.record().status()).isEqualTo(RunStatus.COMPLETED);
        RunRecord other = RunRecord.create(new RunId("20200101-000000-y"), "y", "sd15", T);
        assertThatThrownBy(() -> f.writeRecord(other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metricsAndLoraFilesAreFoundInTheFolder() throws IOException {
        RunFolder f = RunFolder.create(runs, "x", "sd15", CONFIG, T);
        try (MetricsLog log = f.openMetricsLog()) {
            log.append(new MetricPoint(1, 1, 0.3, 1e-4, 1, 1));
        }
        Files.write(f.dir().resolve("x_r16-step100.safetensors"), new byte[8]);
        Files.write(f.dir().resolve("x_r16.safetensors"), new byte[8]);
        assertThat(f.metrics()).hasSize(1);
        assertThat(f.loraFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("x_r16-step100.safetensors", "x_r16.safetensors");
    }

    @Test
    void openRefusesFoldersThatAreNotRuns() throws IOException {
        Path plain = Files.createDirectories(runs.resolve("plain"));
        assertThatThrownBy(() -> RunFolder.open(plain)).isInstanceOf(UserException.class)
                .hasMessageContaining("run.json");
        assertThatThrownBy(() -> RunFolder.open(runs.resolve("missing"))).isInstanceOf(UserException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void listingIsSortedAndToleratesDamage() throws IOException {
        RunFolder late = RunFolder.create(runs, "late", "sd15", CONFIG, T.plusSeconds(3600));
        RunFolder early = RunFolder.create(runs, "early", "sd15", CONFIG, T);
        RunFolder corrupt = RunFolder.create(runs, "corrupt", "sd15", CONFIG, T.plusSeconds(60));
        Files.writeString(corrupt.runJson(), "{ \"id\": ");
        Files.createDirectories(runs.resolve("20261129-000000-no-record"));
        Files.createDirectories(runs.resolve(".git"));
        Files.writeString(runs.resolve("README.md"), "runs");

        RunListing listing = new RunCatalog(runs).list();
        assertThat(listing.entries()).extracting(e -> e.id().value()).containsExactly(
                early.id().value(), corrupt.id().value(), late.id().value());
        RunEntry bad = listing.entries().get(1);
        assertThat(bad.isReadable()).isFalse();
        assertThat(bad.statusLabel()).isEqualTo("unreadable");
        assertThat(bad.problem()).contains(corrupt.runJson().toString());
        assertThat(listing.entries().get(0).readable()).isPresent();
        assertThat(listing.warnings()).singleElement().asString().contains("20261129-000000-no-record");
    }

    @Test
    void listingOfAMissingRunsFolderIsEmpty() {
        RunListing listing = new RunCatalog(runs.resolve("nothing-here")).list();
        assertThat(listing.entries()).isEmpty();
        assertThat(listing.warnings()).isEmpty();
    }

    @Test
    void resolveFindsRunsByIdPrefixSuffixAndPath() throws IOException {
        RunFolder a = RunFolder.create(runs, "cyberpunk", "sd15", CONFIG, T);
        RunFolder b = RunFolder.create(runs, "anime", "sd15", CONFIG, T.plusSeconds(86_400));
        RunCatalog catalog = new RunCatalog(runs);
        assertThat(catalog.resolve(a.id().value())).isEqualTo(a);
        assertThat(catalog.resolve("20261130")).isEqualTo(b);
        assertThat(catalog.resolve("cyberpunk")).isEqualTo(a);
        assertThat(catalog.resolve(b.dir().toString())).isEqualTo(b);
    }

    @Test
    void ambiguousAndUnknownRunsGiveOneClearLine() throws IOException {
        RunFolder.create(runs, "cyberpunk", "sd15", CONFIG, T);
        RunFolder.create(runs, "anime", "sd15", CONFIG, T.plusSeconds(1));
        RunCatalog catalog = new RunCatalog(runs);
        assertThatThrownBy(() -> catalog.resolve("2026")).isInstanceOf(UserException.class)
                .hasMessageContaining("matches 2 runs").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> catalog.resolve("cyberpnuk")).isInstanceOf(UserException.class)
                .hasMessageContaining("no run 'cyberpnuk'")
                .hasMessageContaining("did you mean 20261129-071530-cyberpunk?")
                .hasMessageNotContaining("anime");
        assertThatThrownBy(() -> new RunCatalog(runs.resolve("empty")).resolve("x"))
                .hasMessageContaining("has no runs");
    }

    @Test
    void defaultRunsFolderFollowsTheWorkspaceVariable() {
        Path cwd = Path.of("/home/me/project");
        assertThat(RunCatalog.defaultRunsDir(Map.of(), cwd)).isEqualTo(Path.of("/home/me/project/workspace/runs"));
        assertThat(RunCatalog.defaultRunsDir(Map.of("LORASTUDIO_WORKSPACE", "/data/ws"), cwd))
                .isEqualTo(Path.of("/data/ws/runs"));
    }
}
