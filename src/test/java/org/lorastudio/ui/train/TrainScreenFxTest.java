package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.FxTestSupport;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Opens the Train screen in a headless window, clicks Start on a 6-step demo config and watches the chart. */
@ExtendWith(ApplicationExtension.class)
class TrainScreenFxTest {
    private Path workspace;
    private StudioContext context;
    private TrainScreen screen;

    @Start
    void start(Stage stage) throws Exception {
        workspace = Files.createTempDirectory("train-fx");
        context = new StudioContext(workspace);
        screen = new TrainScreen(context);
        screen.viewModel().setConfigAdjuster(c -> TrainViewModelTest.fast(c, 6));
        screen.setConfirmStop(() -> true);
        stage.setScene(new Scene((javafx.scene.Parent) screen.view(), 1280, 800));
        stage.show();
    }

    @AfterEach
    void cleanUp() throws Exception {
        var f = screen.viewModel().running();
        if (f != null) {
            f.get(60, TimeUnit.SECONDS);
        }
        context.shutdown();
        FxTestSupport.deleteTree(workspace);
    }

    @Test
    void startTrainsAndTheChartGetsPoints(FxRobot robot) {
        Button start = robot.lookup("#train-start").queryButton();
        Button stop = robot.lookup("#train-stop").queryButton();
        assertThat(stop.isDisabled()).isTrue();
        assertThat(screen.viewModel().configProperty().get()).isNotNull();
        assertThat(screen.viewModel().configProperty().get().getFileName().toString()).isEqualTo("demo.yaml");
        robot.clickOn(start);
        try {
            waitUntil("chart points", 120, () -> screen.viewModel().series().size() > 0);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; log: " + screen.viewModel().log(), e);
        }
        waitUntil("run end", 120, () -> !screen.viewModel().isBusy());
        assertThat(screen.viewModel().finalStatusProperty().get()).isEqualTo("completed");
        assertThat(screen.viewModel().series().size()).isEqualTo(6);
        assertThat(start.isDisabled()).isFalse();
        assertThat(stop.isDisabled()).isTrue();
        assertThat(robot.lookup("#train-progress-text").queryLabeled().getText()).startsWith("step 6 / 6");
        assertThat(screen.onCloseRequest()).isTrue();
    }
}
