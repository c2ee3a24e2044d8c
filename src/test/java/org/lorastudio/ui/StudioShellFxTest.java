package org.lorastudio.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.common.FxTestSupport;
import org.lorastudio.ui.compare.CompareScreen;
import org.lorastudio.ui.notes.NotesScreen;
import org.lorastudio.ui.runs.FakeRuns;
import org.lorastudio.ui.runs.RunRow;
import org.lorastudio.ui.runs.RunsScreen;
import org.lorastudio.ui.train.TrainScreen;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The whole studio window on two workspaces: the File menu's recent folders, opening another workspace, and the
 * Runs screen's actions that switch screens (Open notes, Compare with the picked runs, the Train chart of the run
 * in focus). Preferences go to a throw-away node.
 */
@ExtendWith(ApplicationExtension.class)
class StudioShellFxTest {
    private Path tmp;
    private Path first;
    private Path second;
    private RunFolder a;
    private RunFolder b;
    private Preferences prefs;
    private StudioApp app;

    @Start
    void start(Stage stage) throws IOException {
        tmp = Files.createTempDirectory("studio-shell");
        first = Files.createDirectories(tmp.resolve("first"));
        second = Files.createDirectories(tmp.resolve("second"));
        a = FakeRuns.completed(first.resolve("runs"), "rank4", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 5,
                40, 0.5, List.of(40));
        b = FakeRuns.completed(first.resolve("runs"), "rank16", Instant.parse("2026-11-02T10:00:00Z"), 16, "2e-4",
                10, 80, 0.9, List.of(40));
        prefs = Preferences.userRoot().node("lorastudio-test-" + UUID.randomUUID());
        app = new StudioApp(prefs, first);
        app.start(stage);
    }

    @AfterEach
    void cleanUp(FxRobot robot) throws BackingStoreException {
        robot.interact(() -> app.leave());
        prefs.removeNode();
        FxTestSupport.deleteTree(tmp);
    }

    private Screen screenAt(int i) {
        Class<?>[] order = {org.lorastudio.ui.datasets.DatasetsScreen.class,
                org.lorastudio.ui.config.ConfigScreen.class, TrainScreen.class, NotesScreen.class, RunsScreen.class,
                CompareScreen.class, org.lorastudio.ui.generate.GenerateScreen.class};
        @SuppressWarnings("unchecked")
        Class<? extends Screen> type = (Class<? extends Screen>) order[i];
        return app.screen(type);
    }

    @Test
    void helpSystemCheckShowsTheDoctorReport(FxRobot robot) {
        javafx.scene.control.MenuItem item = app.menuItem("system-check");
        assertThat(item.getText()).isEqualTo("System check…");
        Stage[] dialog = new Stage[1];
        robot.interact(() -> {
            item.fire();
            dialog[0] = (Stage) javafx.stage.Window.getWindows().stream()
                    .filter(w -> w instanceof Stage s && "System check".equals(s.getTitle())).findFirst().orElseThrow();
        });
        javafx.scene.control.TextArea text = (javafx.scene.control.TextArea) dialog[0].getScene()
                .lookup("#system-check-text");
        waitUntil("the report", 120, () -> text.getText().contains("system check\n"));
        assertThat(text.getText()).contains("[✓] Numerical self-check (CPU): passed")
                .contains("Engine: DJL 0.36.0, libtorch 2.7.1").contains("[✓] Workspace: "
                        + first.toAbsolutePath().normalize());
        javafx.scene.control.Label verdict = (javafx.scene.control.Label) dialog[0].getScene()
                .lookup("#system-check-verdict");
        assertThat(verdict.getText()).isEqualTo("Training can start on this machine.");
        FxTestSupport.snapshot(dialog[0].getScene(), Path.of("target/screenshots/system-check.png"));
        robot.interact(() -> dialog[0].close());
    }

    @Test
    void recentFoldersRememberOpenedWorkspacesNewestFirst(FxRobot robot) {
        assertThat(app.recent().list()).containsExactly(first.toAbsolutePath().normalize());
        robot.interact(() -> app.openWorkspace(second));
        assertThat(app.context().workspace()).isEqualTo(second.toAbsolutePath().normalize());
        assertThat(app.recent().list()).containsExactly(second.toAbsolutePath().normalize(),
                first.toAbsolutePath().normalize());
        assertThat(app.recentMenu().getItems()).hasSize(2);
        assertThat(app.recentMenu().getItems().get(0).isDisable()).as("the open one").isTrue();
        // the list survives the window: a new reader of the same preferences sees it
        assertThat(new RecentFolders(prefs.node("recent")).list()).hasSize(2);
        robot.interact(() -> app.recentMenu().getItems().get(1).fire());
        assertThat(app.context().workspace()).isEqualTo(first.toAbsolutePath().normalize());
        assertThat(RecentFolders.pushed(List.of(Path.of("/a"), Path.of("/b")), Path.of("/b"), 8))
                .containsExactly(Path.of("/b"), Path.of("/a"));
    }

    @Test
    void runsActionsSwitchToNotesCompareAndTrain(FxRobot robot) {
        robot.interact(() -> app.select(RunsScreen.class));
        @SuppressWarnings("unchecked")
        TableView<RunRow> table = robot.lookup("#runs-table").queryAs(TableView.class);
        waitUntil("the runs", 20, () -> table.getItems().size() == 2);

        robot.interact(() -> {
            table.getSelectionModel().selectAll();
        });
        robot.clickOn("#compare-button");
        assertThat(screenAt(app.tabs().getSelectionModel().getSelectedIndex())).isInstanceOf(CompareScreen.class);
        CompareScreen compare = app.screen(CompareScreen.class);
        waitUntil("the comparison", 30, () -> compare.viewModel().resultProperty().get() != null
                && compare.viewModel().resultProperty().get().runs().size() == 2);
        waitUntil("both runs checked", 20, () -> compare.checkedCount() == 2);

        robot.interact(() -> app.select(RunsScreen.class));
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            table.getSelectionModel().select(table.getItems().stream()
                    .filter(r -> r.dir().equals(a.dir())).findFirst().orElseThrow());
        });
        robot.clickOn("Open notes");
        assertThat(screenAt(app.tabs().getSelectionModel().getSelectedIndex())).isInstanceOf(NotesScreen.class);
        assertThat(app.context().runProperty().get()).isEqualTo(a.dir());

        // the run in focus is what the Train screen shows: its chart comes from metrics.jsonl
        TrainScreen train = app.screen(TrainScreen.class);
        robot.interact(() -> app.select(TrainScreen.class));
        waitUntil("the chart of the run in focus", 20, () -> train.viewModel().series().size() == 40);
        assertThat(train.viewModel().runDirProperty().get()).isEqualTo(a.dir());
    }
}
