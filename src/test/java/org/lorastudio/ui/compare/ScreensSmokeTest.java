package org.lorastudio.ui.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.controlsfx.control.CheckListView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.run.RunFolder;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.generate.GenerateScreen;
import org.lorastudio.ui.notes.NotesScreen;
import org.lorastudio.ui.runs.FakeRuns;
import org.lorastudio.ui.runs.RunRow;
import org.lorastudio.ui.runs.RunsScreen;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Opens each screen on a temporary workspace in a real (headless) window and checks what appears. */
@ExtendWith(ApplicationExtension.class)
class ScreensSmokeTest {
    Path workspace;
    StudioContext context;
    RunFolder a;
    RunFolder b;
    Stage stage;

    @Start
    void start(Stage stage) throws IOException {
        this.stage = stage;
        workspace = Files.createTempDirectory("studio-smoke");
        Path runs = workspace.resolve("runs");
        a = FakeRuns.completed(runs, "rank4", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 5, 40, 0.5,
                List.of(20, 40));
        b = FakeRuns.completed(runs, "rank16", Instant.parse("2026-11-02T10:00:00Z"), 16, "2e-4", 10, 80, 0.9,
                List.of(40));
        context = new StudioContext(workspace);
        stage.setScene(new Scene(new StackPane(), 1200, 760));
        stage.show();
    }

    private void show(FxRobot robot, Screen screen) {
        robot.interact(() -> {
            ((StackPane) stage.getScene().getRoot()).getChildren().setAll(screen.view());
            screen.onShow();
        });
    }

    /** Screens build JavaFX nodes (WebView among them) and must be made on the FX thread. */
    static <T> T onFx(java.util.concurrent.Callable<T> make) throws Exception {
        return WaitForAsyncUtils.asyncFx(make).get(20, TimeUnit.SECONDS);
    }

    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition) throws TimeoutException {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, condition);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void runsScreenListsTheRuns(FxRobot robot) throws Exception {
        RunsScreen screen = onFx(() -> new RunsScreen(context));
        show(robot, screen);
        TableView<?> table = robot.lookup("#runs-table").queryAs(TableView.class);
        waitUntil(() -> table.getItems().size() == 2);
        assertThat(((RunRow) table.getItems().get(0)).name()).isEqualTo("rank16");
        assertThat(robot.lookup("rank4").tryQuery()).isPresent();
        robot.interact(screen::onCloseRequest);
    }

    @Test
    void comparingTwoRunsShowsTheDiffRows(FxRobot robot) throws Exception {
        CompareScreen screen = onFx(() -> new CompareScreen(context));
        show(robot, screen);
        @SuppressWarnings("unchecked")
        CheckListView<RunRow> list = robot.lookup("#compare-runs").queryAs(CheckListView.class);
        waitUntil(() -> list.getItems().size() == 2);
        robot.interact(() -> {
            list.getCheckModel().check(0);
            list.getCheckModel().check(1);
        });
        TableView<?> diff = robot.lookup("#diff-table").queryAs(TableView.class);
        waitUntil(() -> screen.viewModel().resultProperty().get() != null && !diff.getItems().isEmpty());
        List<String> keys = diff.getItems().stream().map(i -> ((CompareScreen.DiffLine) i).key()).toList();
        assertThat(keys).contains("lora_rank", "learning_rate", "epochs", "final loss");
        assertThat(robot.lookup(".table-cell.changed").queryAll()).isNotEmpty();
        // the canvas chart got both runs, raw and smoothed, with every logged point (40 and 80 steps)
        List<org.lorastudio.ui.common.CurveCanvas.Line> lines = screen.chart().canvas().currentPlot().lines();
        assertThat(lines).hasSize(4);
        assertThat(lines).extracting(l -> l.points().size()).containsExactlyInAnyOrder(40, 40, 80, 80);
        assertThat(lines.get(0).color()).isNotEqualTo(lines.get(2).color());
        assertThat(screen.chart().canvas().redraws()).isPositive();
        robot.interact(() -> screen.viewModel().alignProperty().set(LossCurves.Align.EPOCH));
        // aligned by epoch, the 80-step run (10 epochs) ends at x = 10
        waitUntil(() -> screen.chart().canvas().currentPlot().lines().stream().filter(l -> l.points().size() == 80)
                .allMatch(l -> l.points().x(79) == 10.0));
        robot.interact(() -> screen.tabs().getSelectionModel().select(2));
        waitUntil(() -> screen.noteViews().size() == 2);
    }

    @Test
    void notesScreenEditsAndSavesTheSelectedRun(FxRobot robot) throws Exception {
        NotesScreen screen = onFx(() -> new NotesScreen(context));
        show(robot, screen);
        TextArea editor = robot.lookup("#notes-editor").queryAs(TextArea.class);
        waitUntil(() -> editor.getText().contains("Does rank 16 learn"));
        robot.interact(() -> editor.appendText("\nA line typed in the editor.\n"));
        robot.interact(screen::onCloseRequest);
        assertThat(b.notesText()).contains("A line typed in the editor.");
        robot.interact(() -> context.runProperty().set(a.dir()));
        waitUntil(() -> editor.getText().contains("Does rank 4 learn"));
    }

    @Test
    void generateShowsAnImageFromTheFixtureModel(FxRobot robot) throws Exception {
        GenerateScreen screen = onFx(() -> new GenerateScreen(context, Fixtures.path("sd-tiny-a/model-diffusers")));
        show(robot, screen);
        robot.interact(() -> {
            var vm = screen.viewModel();
            vm.promptProperty().set("a red circle on a white background");
            vm.widthProperty().set(64);
            vm.heightProperty().set(64);
            vm.stepsProperty().set(2);
        });
        robot.clickOn("#generate-button");
        FlowPane results = robot.lookup("#results").queryAs(FlowPane.class);
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> results.getChildren().stream().anyMatch(n -> n.getStyleClass().contains("result-card")));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".result-card .image-view").queryAll()).hasSize(1);
        robot.interact(screen::onCloseRequest);
    }
}
