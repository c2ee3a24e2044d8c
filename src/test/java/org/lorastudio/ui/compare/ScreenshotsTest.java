package org.lorastudio.ui.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.controlsfx.control.CheckListView;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
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

/**
 * Renders the Runs, Compare, Notes and Generate screens on a temporary workspace with three fake runs to
 * {@code target/screenshots/*.png} ({@code scene.snapshot}, headless). Run with
 * {@code mvn test -Dsurefire.excludedGroups= -Dtest=ScreenshotsTest}.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class ScreenshotsTest {
    static final Path OUT = Path.of("target", "screenshots");
    Stage stage;
    StudioContext context;

    @Start
    void start(Stage stage) throws IOException {
        this.stage = stage;
        Path workspace = Files.createTempDirectory("studio-shots").resolve("workspace");
        Path runs = workspace.resolve("runs");
        FakeRuns.completed(runs, "shapes-rank4", Instant.parse("2026-11-20T09:12:00Z"), 4, "1e-3", 10, 300, 0.45,
                List.of(100, 200, 300));
        FakeRuns.completed(runs, "shapes-rank16", Instant.parse("2026-11-21T14:40:00Z"), 16, "5e-4", 10, 300, 0.5,
                List.of(100, 200, 300));
        FakeRuns.completed(runs, "shapes-long", Instant.parse("2026-11-22T18:05:00Z"), 8, "2e-4", 20, 1200, 0.6,
                List.of(300));
        context = new StudioContext(workspace);
        stage.setScene(new Scene(new StackPane(), 1280, 800));
        stage.show();
        Files.createDirectories(OUT);
    }

    private void show(FxRobot robot, Screen screen) {
        robot.interact(() -> {
            ((StackPane) stage.getScene().getRoot()).getChildren().setAll(screen.view());
            screen.onShow();
        });
    }

    private void shoot(FxRobot robot, String name) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(1500); // WebView and image loaders finish off the FX thread
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage img = WaitForAsyncUtils.asyncFx(() -> stage.getScene().snapshot(null)).get(20, TimeUnit.SECONDS);
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", OUT.resolve(name + ".png").toFile());
    }

    @Test
    void rendersEveryScreen(FxRobot robot) throws Exception {
        RunsScreen runs = ScreensSmokeTest.onFx(() -> new RunsScreen(context));
        show(robot, runs);
        TableView<?> table = robot.lookup("#runs-table").queryAs(TableView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> table.getItems().size() == 3);
        robot.interact(() -> table.getSelectionModel().select(1));
        shoot(robot, "runs");

        CompareScreen compare = ScreensSmokeTest.onFx(() -> new CompareScreen(context));
        show(robot, compare);
        @SuppressWarnings("unchecked")
        CheckListView<RunRow> list = robot.lookup("#compare-runs").queryAs(CheckListView.class);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> list.getItems().size() == 3);
        robot.interact(() -> list.getCheckModel().checkAll());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> compare.viewModel().resultProperty().get() != null);
        shoot(robot, "compare-config-loss");
        robot.interact(() -> compare.tabs().getSelectionModel().select(1));
        shoot(robot, "compare-samples");
        robot.interact(() -> compare.tabs().getSelectionModel().select(2));
        shoot(robot, "compare-notes");

        NotesScreen notes = ScreensSmokeTest.onFx(() -> new NotesScreen(context));
        show(robot, notes);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> notes.viewModel().textProperty().get().contains("#"));
        shoot(robot, "notes");

        GenerateScreen generate = ScreensSmokeTest.onFx(() -> new GenerateScreen(context,
                Fixtures.path("sd-tiny-a/model-diffusers")));
        show(robot, generate);
        robot.interact(() -> {
            var vm = generate.viewModel();
            vm.promptProperty().set("a red circle on a white background");
            vm.widthProperty().set(64);
            vm.heightProperty().set(64);
            vm.stepsProperty().set(4);
            vm.addLora(Fixtures.path("sd-tiny-a/lora-kohya.safetensors").toString(), 1.0);
            vm.sweepProperty().set(true);
            vm.generate();
        });
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> generate.viewModel().results().size() == 5);
        shoot(robot, "generate");
        robot.interact(generate::onCloseRequest);
    }
}
