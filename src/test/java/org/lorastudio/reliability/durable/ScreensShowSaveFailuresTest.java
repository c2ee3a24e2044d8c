package org.lorastudio.reliability.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.config.ConfigViewModel;
import org.lorastudio.ui.datasets.DatasetsViewModel;
import org.lorastudio.ui.datasets.ImageEntry;
import org.lorastudio.ui.notes.NotesViewModel;

/**
 * What the studio shows when a save hits a full disk: the Datasets, Notes and Config screens' logic (same-thread
 * executors, no FX toolkit) reports the plain message naming the file instead of throwing, keeps the user's text
 * as unsaved, and the file on disk keeps its previous version.
 */
class ScreensShowSaveFailuresTest {
    @TempDir
    Path tmp;
    private TmpfsDisk disk;
    private final List<String> errors = new ArrayList<>();

    @BeforeEach
    void mount() throws Exception {
        disk = TmpfsDisk.mount(tmp.resolve("disk"), "256k");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void theDatasetsScreenReportsTheFullDiskAndKeepsTheEdit() throws Exception {
        Path workspace = disk.dir().resolve("workspace");
        Path data = Files.createDirectories(workspace.resolve("datasets").resolve("cats"));
        Files.write(data.resolve("a.png"), Pngs.tiny());
        Files.writeString(data.resolve("a.txt"), "a cat");
        long[] clock = {0};
        DatasetsViewModel vm = new DatasetsViewModel(workspace, TaskExecutor.sameThread(), TaskExecutor.sameThread(),
                () -> clock[0]);
        vm.setErrorHandler(errors::add);
        vm.open(data);
        disk.fill();
        clock[0] += 2_000_000_000L;
        vm.editorTextProperty().set("a cat on a full disk");
        vm.save();

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("a.png").contains("disk full while saving " + data.resolve("a.txt"))
                .contains("the previous version is kept").contains("free some space and save again");
        ImageEntry entry = vm.current();
        assertThat(entry.isDirty()).as("the edit stays unsaved, not lost").isTrue();
        assertThat(vm.editorTextProperty().get()).isEqualTo("a cat on a full disk");
        assertThat(Files.readString(data.resolve("a.txt"))).isEqualTo("a cat");

        disk.free();
        vm.save();
        assertThat(Files.readString(data.resolve("a.txt"))).isEqualTo("a cat on a full disk");
        assertThat(entry.isDirty()).isFalse();
    }

    @Test
    void theNotesScreenReportsTheFullDiskInItsStatusAndKeepsTheText() throws Exception {
        Path runs = disk.dir().resolve("runs");
        RunFolder run = RunFolder.create(runs, "full", "sd15", "name: full\n");
        String before = run.notesText();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            NotesViewModel vm = new NotesViewModel(runs, new SimpleObjectProperty<>(), Runnable::run, Runnable::run,
                    timer, 60_000, 60_000);
            vm.refreshRuns().join();
            disk.fill();
            vm.textProperty().set(before + "\nWhy this run: the disk is full.\n");
            vm.save().join();

            assertThat(vm.statusProperty().get()).startsWith("Could not save notes: ")
                    .contains("disk full while saving " + run.notesFile())
                    .contains("the previous version is kept").contains("your text is still here");
            assertThat(vm.dirtyProperty().get()).isTrue();
            assertThat(run.notesText()).isEqualTo(before);

            disk.free();
            vm.save().join();
            assertThat(run.notesText()).contains("the disk is full.");
            assertThat(vm.dirtyProperty().get()).isFalse();
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void theConfigScreenReportsTheFullDiskAndKeepsTheFile() throws Exception {
        Path workspace = Files.createDirectories(disk.dir().resolve("workspace"));
        Path file = Files.writeString(Files.createDirectories(workspace.resolve("configs")).resolve("mine.yaml"),
                "name: mine\nlora_rank: 4\n", StandardCharsets.UTF_8);
        ConfigViewModel vm = new ConfigViewModel(workspace, tmp.resolve("resources/configs"),
                TaskExecutor.sameThread());
        vm.setErrorHandler(errors::add);
        vm.open(file);
        disk.fill();
        vm.yamlProperty().set("name: mine\nlora_rank: 8\n");
        vm.save(false, () -> errors.add("unexpected conflict"));

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("Cannot save mine.yaml: disk full while saving " + file)
                .contains("the previous version is kept");
        assertThat(vm.dirtyProperty().get()).isTrue();
        assertThat(Files.readString(file)).isEqualTo("name: mine\nlora_rank: 4\n");

        disk.free();
        vm.save(false, () -> errors.add("unexpected conflict"));
        assertThat(errors).hasSize(1);
        assertThat(Files.readString(file)).isEqualTo("name: mine\nlora_rank: 8\n");
        assertThat(vm.dirtyProperty().get()).isFalse();
    }
}
