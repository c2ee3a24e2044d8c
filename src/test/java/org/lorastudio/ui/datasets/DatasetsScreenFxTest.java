package org.lorastudio.ui.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.FxTestSupport;
import org.lorastudio.ui.common.UiTestData;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** Smoke test of the real Datasets screen on a temporary demo workspace (headless, Monocle). */
@ExtendWith(ApplicationExtension.class)
class DatasetsScreenFxTest {
    private Path tmp;
    private Path data;
    private DatasetsScreen screen;
    private StudioContext context;

    @Start
    void start(Stage stage) throws IOException {
        tmp = Files.createTempDirectory("datasets-fx");
        Path workspace = UiTestData.demoWorkspace(tmp, 12);
        data = workspace.resolve("datasets/demo");
        context = new StudioContext(workspace);
        screen = new DatasetsScreen(context);
        stage.setScene(new Scene((Parent) screen.view(), 1200, 760));
        stage.show();
        screen.onShow();
    }

    @AfterEach
    void cleanUp() {
        context.shutdown();
        FxTestSupport.deleteTree(tmp);
    }

    @Test
    void typingACaptionAndPressingCtrlSWritesItToDisk(FxRobot robot) throws IOException {
        DatasetsViewModel vm = screen.viewModel();
        waitUntil("the demo folder to open", 20, () -> vm.entries().size() == 12 && vm.current() != null);
        assertThat(vm.current().name()).isEqualTo("demo_000.png");

        robot.clickOn("#caption-editor");
        robot.interact(() -> screen.datasetsView().captionArea().selectAll());
        robot.write("a tiny green star");
        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        waitUntil("the caption on disk", 10, () -> read("demo_000.txt").equals("a tiny green star"));
        assertThat(vm.current().isDirty()).isFalse();
        waitUntil("the first thumbnails", 20, () -> robot.lookup(".image-cell").queryAll().size() >= 12);
    }

    @Test
    void arrowKeysInTheGridMoveTheEditorAndSaveOnTheWay(FxRobot robot) {
        DatasetsViewModel vm = screen.viewModel();
        waitUntil("the demo folder to open", 20, () -> vm.entries().size() == 12 && vm.current() != null);
        robot.interact(() -> vm.editorTextProperty().set("edited before moving"));
        ImageCell second = robot.lookup(".image-cell").queryAllAs(ImageCell.class).stream()
                .filter(c -> c.getItem() != null && c.getItem().name().equals("demo_001.png"))
                .findFirst().orElseThrow();
        robot.clickOn(second);
        assertThat(vm.current().name()).isEqualTo("demo_001.png");
        robot.type(KeyCode.RIGHT);
        assertThat(vm.current().name()).isEqualTo("demo_002.png");
        waitUntil("the first caption on disk", 10, () -> read("demo_000.txt").equals("edited before moving"));
        robot.press(KeyCode.CONTROL).type(KeyCode.Z).release(KeyCode.CONTROL);
        assertThat(screen.onCloseRequest()).isTrue();
    }

    private String read(String name) {
        try {
            return Files.readString(data.resolve(name)).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
