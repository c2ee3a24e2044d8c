package org.lorastudio.ui.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.zip.ZipFile;

import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.compare.FlatConfig;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.UserException;

class RunsViewModelTest {
    @TempDir
    Path workspace;
    Path runsDir;
    SimpleObjectProperty<Path> selected = new SimpleObjectProperty<>();
    RunsViewModel vm;
    RunFolder older;
    RunFolder newer;

    @BeforeEach
    void setUp() throws IOException {
        runsDir = workspace.resolve("runs");
        older = FakeRuns.completed(runsDir, "rank4", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 5, 40, 0.5,
                List.of(20, 40));
        newer = FakeRuns.completed(runsDir, "rank16", Instant.parse("2026-11-02T10:00:00Z"), 16, "2e-4", 10, 80,
                0.9, List.of());
        vm = new RunsViewModel(runsDir, selected, Runnable::run, Runnable::run);
    }

    @Test
    void listsEveryRunNewestFirstWithConfigValues() {
        vm.refresh().join();
        assertThat(vm.rows()).extracting(RunRow::name).containsExactly("rank16", "rank4");
        RunRow r = vm.rows().get(1);
        assertThat(r.rank()).isEqualTo(4);
        assertThat(r.learningRate()).isEqualTo("1e-3");
        assertThat(r.learningRateValue()).isEqualTo(1e-3);
        assertThat(r.epochs()).isEqualTo(5);
        assertThat(r.stepsDone()).isEqualTo(40);
        assertThat(r.status()).isEqualTo("completed");
        assertThat(r.modelType()).isEqualTo("sd15");
        assertThat(r.finalLoss()).isNotNull();
        assertThat(r.durationSeconds()).isEqualTo(50.0);
    }

    @Test
    void columnsSortByValueWithMissingValuesAsSmallest() throws IOException {
        Files.createDirectories(runsDir.resolve("broken"));
        Files.writeString(runsDir.resolve("broken/run.json"), "{not json");
        vm.refresh().join();
        assertThat(vm.rows()).hasSize(3);
        List<RunRow> rows = new ArrayList<>(vm.rows());
        rows.sort(RunColumn.RANK.rowComparator());
        assertThat(rows).extracting(RunRow::rank).containsExactly(null, 4, 16);
        rows.sort(RunColumn.LR.rowComparator().reversed());
        assertThat(rows).extracting(RunRow::learningRate).containsExactly("1e-3", "2e-4", null);
        rows.sort(RunColumn.NAME.rowComparator());
        assertThat(rows).extracting(RunRow::name).containsExactly("broken", "rank16", "rank4");
        RunRow broken = rows.get(0);
        assertThat(broken.readable()).isFalse();
        assertThat(broken.problem()).contains("run.json");
        assertThat(RunColumn.FINAL_LOSS.format(broken)).isEqualTo("—");
        assertThat(RunColumn.STEPS.format(rows.get(1))).isEqualTo("80/80");
    }

    @Test
    void openNotesSetsTheRunInFocusAndCallsTheShell() {
        vm.refresh().join();
        List<Path> opened = new ArrayList<>();
        vm.onOpenNotesProperty().set(opened::add);
        vm.openNotes(vm.rows().get(0));
        assertThat(selected.get()).isEqualTo(newer.dir());
        assertThat(opened).containsExactly(newer.dir());
    }

    @Test
    void resumeIsUnavailableUntilATrainerIsConnected() {
        vm.refresh().join();
        RunRow stopped = new RunRow(older.dir(), "x", "x", null, "stopped", null, null, null, null, 0, 0, null,
                null, null, null);
        assertThat(vm.canResume(stopped)).isFalse();
        List<Path> resumed = new ArrayList<>();
        vm.onResumeProperty().set(resumed::add);
        assertThat(vm.canResume(stopped)).isTrue();
        assertThat(vm.canResume(vm.rows().get(0))).as("a completed run has nothing to resume").isFalse();
        vm.resume(stopped);
        assertThat(resumed).containsExactly(older.dir());
    }

    @Test
    void forkCopiesTheConfigWithChangesAndNamesTheParent() throws Exception {
        vm.refresh().join();
        RunRow parent = vm.rows().stream().filter(r -> r.name().equals("rank4")).findFirst().orElseThrow();
        Path child = vm.fork(parent, "# try a bigger rank\nlora_rank=8\nname=rank8\nlearning_rate=5e-4\n").get();
        RunFolder f = RunFolder.open(child);
        assertThat(f.record().parentRunId()).isEqualTo(older.id().value());
        assertThat(f.record().name()).isEqualTo("rank8");
        FlatConfig cfg = FlatConfig.parse(f.configText(), "fork");
        assertThat(cfg.values().get("lora_rank").text()).isEqualTo("8");
        assertThat(cfg.values().get("learning_rate").text()).isEqualTo("5e-4");
        assertThat(cfg.values().get("sample_prompts").text()).isEqualTo("[a red circle, a blue square]");
        assertThat(f.configText()).startsWith("# demo-like config");
        assertThat(f.notesText()).contains("Forked from `" + older.id().value() + "`")
                .contains("- `lora_rank`: 4 → 8").contains("- `learning_rate`: 1e-3 → 5e-4");
        assertThat(vm.rows()).extracting(RunRow::name).contains("rank8");
        RunRow forked = vm.rows().stream().filter(r -> r.name().equals("rank8")).findFirst().orElseThrow();
        assertThat(forked.status()).isEqualTo(RunRow.NOT_STARTED);
        assertThat(forked.parentId()).isEqualTo(older.id().value());
    }

    @Test
    void forkReportsEveryBadLine() {
        assertThatThrownBy(() -> RunForks.parseChanges("lora_rnak=8\noptimizer.beta1=0.9\njust text\n"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("line 1: unknown key 'lora_rnak'")
                .hasMessageContaining("line 2: 'optimizer.beta1' is not a top-level config key")
                .hasMessageContaining("line 3: expected key=value");
    }

    @Test
    void applyReplacesBlockValuesAndAppendsNewKeys() {
        String yaml = "name: a\nsample_prompts:\n  - x\n  - y\n\n# next\nepochs: 3  # few\n";
        String out = RunForks.apply(yaml, new java.util.LinkedHashMap<>(java.util.Map.of(
                "sample_prompts", "[z]")));
        assertThat(out).isEqualTo("name: a\nsample_prompts: [z]\n\n# next\nepochs: 3  # few\n");
        assertThat(RunForks.apply("name: a\n", java.util.Map.of("seed", "7"))).isEqualTo("name: a\nseed: 7\n");
    }

    @Test
    void exportWritesTheWholeFolderAsAZip() throws Exception {
        vm.refresh().join();
        Path zip = workspace.resolve("out/run.zip");
        vm.export(vm.rows().get(1), zip).get();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            String root = older.id().value() + "/";
            assertThat(z.getEntry(root + "run.json")).isNotNull();
            assertThat(z.getEntry(root + "metrics.jsonl")).isNotNull();
            assertThat(z.getEntry(root + "samples/step40-p1.png")).isNotNull();
        }
        try (var s = Files.list(zip.getParent())) {
            assertThat(s.toList()).as("no temp file left").containsExactly(zip);
        }
    }

    @Test
    void deleteMovesTheFolderToTheTrash() throws Exception {
        vm.refresh().join();
        selected.set(newer.dir());
        Path trashed = vm.delete(vm.rows().get(0)).get();
        assertThat(trashed).isEqualTo(workspace.resolve(".trash").resolve(newer.id().value()));
        assertThat(trashed.resolve("run.json")).exists();
        assertThat(newer.dir()).doesNotExist();
        assertThat(selected.get()).isNull();
        assertThat(vm.rows()).extracting(RunRow::name).containsExactly("rank4");
        vm.refresh().join();
        assertThat(vm.rows()).extracting(RunRow::name).containsExactly("rank4");
    }

    @Test
    void failuresBecomeOneSentence() {
        vm.refresh().join();
        RunRow gone = vm.rows().get(0);
        RunArchiveTestSupport.deleteTree(gone.dir());
        assertThatThrownBy(() -> vm.fork(gone, "lora_rank=2").get()).isInstanceOf(ExecutionException.class);
        assertThat(vm.messageProperty().get()).contains("is not a folder");
    }
}
