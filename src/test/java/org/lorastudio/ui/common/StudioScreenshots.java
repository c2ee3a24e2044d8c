package org.lorastudio.ui.common;

import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.config.ConfigScreen;
import org.lorastudio.ui.datasets.DatasetsScreen;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Renders the Datasets and Config screens on a demo-like temporary workspace (24 generated images) to
 * {@code target/screenshots/*.png}, headless. Run with
 * {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=StudioScreenshots}.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class StudioScreenshots {
    private Path tmp;
    private Stage stage;
    private StudioContext context;

    @Start
    void start(Stage stage) throws IOException {
        this.stage = stage;
        tmp = Files.createTempDirectory("screenshots");
        context = new StudioContext(UiTestData.demoWorkspace(tmp, 24));
    }

    @AfterEach
    void cleanUp() {
        context.shutdown();
        FxTestSupport.deleteTree(tmp);
    }

    private Scene show(Parent root) {
        Scene[] scene = new Scene[1];
        WaitForAsyncUtils.asyncFx(() -> {
            scene[0] = new Scene(root, 1280, 800);
            stage.setScene(scene[0]);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        return scene[0];
    }

    @Test
    void datasetsScreen(FxRobot robot) throws Exception {
        DatasetsScreen screen = new DatasetsScreen(context);
        Scene scene = show((Parent) screen.view());
        robot.interact(screen::onShow);
        waitUntil("the demo folder", 30, () -> robot.lookup(".image-cell").queryAll().size() >= 24);
        Thread.sleep(2500); // thumbnails decode in the background
        WaitForAsyncUtils.waitForFxEvents();
        FxTestSupport.snapshot(scene, Path.of("target/screenshots/datasets.png"));
    }

    @Test
    void configScreen(FxRobot robot) throws Exception {
        ConfigScreen screen = new ConfigScreen(context);
        Scene scene = show((Parent) screen.view());
        robot.interact(screen::onShow);
        Thread.sleep(2000);
        WaitForAsyncUtils.waitForFxEvents();
        FxTestSupport.snapshot(scene, Path.of("target/screenshots/config.png"));
        robot.interact(() -> ((javafx.scene.control.TabPane) scene.lookup(".tab-pane")).getSelectionModel()
                .select(1));
        Thread.sleep(500);
        FxTestSupport.snapshot(scene, Path.of("target/screenshots/config-yaml.png"));
    }
}
