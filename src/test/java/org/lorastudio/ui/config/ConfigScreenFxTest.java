package org.lorastudio.ui.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.TextField;
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

/** Smoke test of the real Config screen on a temporary demo workspace (headless, Monocle). */
@ExtendWith(ApplicationExtension.class)
class ConfigScreenFxTest {
    private Path tmp;
    private Path config;
    private ConfigScreen screen;
    private StudioContext context;

    @Start
    void start(Stage stage) throws IOException {
        tmp = Files.createTempDirectory("config-fx");
        Path workspace = UiTestData.demoWorkspace(tmp, 24);
        config = workspace.resolve("configs/demo.yaml");
        context = new StudioContext(workspace);
        screen = new ConfigScreen(context);
        stage.setScene(new Scene((Parent) screen.view(), 1200, 800));
        stage.show();
        screen.onShow();
    }

    @AfterEach
    void cleanUp() {
        context.shutdown();
        FxTestSupport.deleteTree(tmp);
    }

    @Test
    void changingAFormFieldChangesTheYamlAndSaves(FxRobot robot) throws IOException {
        ConfigViewModel vm = screen.viewModel();
        waitUntil("the demo config to open", 20, () -> config.equals(vm.fileProperty().get())
                && vm.stepsProperty().get().startsWith("24 images"));
        assertThat(context.configProperty().get()).isEqualTo(config);
        assertThat(vm.stepsProperty().get()).contains("= 90 steps");

        TextField rank = (TextField) screen.configView().editor("lora_rank");
        robot.interact(() -> {
            rank.requestFocus();
            rank.selectAll();
        });
        robot.write("8");
        assertThat(screen.configView().yamlArea().getText()).contains("lora_rank: 8   # small on purpose")
                .contains("# The demo config");

        TextField batch = (TextField) screen.configView().editor("batch_size");
        robot.interact(() -> {
            batch.requestFocus();
            batch.selectAll();
        });
        robot.write("0");
        assertThat(vm.field("batch_size").problemProperty().get()).startsWith("must be an integer");
        robot.type(KeyCode.BACK_SPACE).write("2");
        assertThat(vm.stepsProperty().get()).contains("÷ batch 2 = 180 steps");

        robot.press(KeyCode.CONTROL, KeyCode.S).release(KeyCode.S, KeyCode.CONTROL);
        waitUntil("the file on disk", 10, () -> text().contains("lora_rank: 8   # small on purpose")
                && text().contains("batch_size: 2"));
        assertThat(screen.onCloseRequest()).isTrue();
    }

    @Test
    void editingTheYamlTabUpdatesTheForm(FxRobot robot) {
        ConfigViewModel vm = screen.viewModel();
        waitUntil("the demo config to open", 20, () -> config.equals(vm.fileProperty().get()));
        robot.interact(() -> screen.configView().tabs().getSelectionModel().select(1));
        robot.interact(() -> screen.configView().yamlArea().setText(
                screen.configView().yamlArea().getText().replace("epochs: 15", "epochs: 30")));
        assertThat(((TextField) screen.configView().editor("epochs")).getText()).isEqualTo("30");
        assertThat(vm.stepsProperty().get()).contains("= 180 steps");
    }

    private String text() {
        try {
            return Files.readString(config);
        } catch (IOException e) {
            return "";
        }
    }
}
