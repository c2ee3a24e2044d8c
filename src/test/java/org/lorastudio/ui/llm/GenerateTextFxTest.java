package org.lorastudio.ui.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.cli.GenerateTextCommand;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.FxTestSupport;
import org.lorastudio.ui.generate.GenerateScreen;
import org.lorastudio.ui.generate.TextGenerateViewModel;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import picocli.CommandLine;

/**
 * The real Generate screen in text mode, headless: choosing the demo-llm folder switches to text mode, the
 * adapter comes from a run folder of the workspace, Generate fills both answers side by side, and they are the
 * answers {@code generate-text --compare} prints for the same prompt.
 */
@ExtendWith(ApplicationExtension.class)
class GenerateTextFxTest {
    static final String PROMPT = "Convert 5 meters to centimeters.";

    private Path root;
    private Path model;
    private Path adapter;
    private StudioContext context;
    private GenerateScreen screen;

    @Start
    void start(Stage stage) throws Exception {
        root = Files.createTempDirectory("generate-text-fx");
        Path workspace = LlmTestData.workspace(root);
        model = LlmTestData.model(workspace);
        adapter = LlmTestData.tinyAdapter(model, workspace.resolve("runs/20260101-120000-tiny/tiny-adapter"));
        context = new StudioContext(workspace);
        screen = new GenerateScreen(context, Fixtures.path("sd-tiny-a/model-diffusers"), model);
        stage.setScene(new Scene((Parent) screen.view(), 1280, 800));
        stage.show();
    }

    @AfterEach
    void cleanUp() throws Exception {
        WaitForAsyncUtils.asyncFx(screen::onCloseRequest).get(30, TimeUnit.SECONDS);
        context.shutdown();
        FxTestSupport.deleteTree(root);
    }

    @Test
    void baseAndAdaptedAnswersSideBySide(FxRobot robot) {
        assertThat(screen.modeProperty().get()).isEqualTo(GenerateScreen.Mode.IMAGE);
        TextField imageModel = robot.lookup("#model-path").queryAs(TextField.class);
        robot.interact(() -> imageModel.setText(model.toString())); // a language model chosen as the base model
        assertThat(screen.modeProperty().get()).isEqualTo(GenerateScreen.Mode.TEXT);
        assertThat(robot.lookup("#mode-text").queryAs(javafx.scene.control.ToggleButton.class).isSelected()).isTrue();
        assertThat(robot.lookup("#text-model-path").queryAs(TextField.class).getText()).isEqualTo(model.toString());
        assertThat(imageModel.getText()).isEqualTo(Fixtures.path("sd-tiny-a/model-diffusers").toString());

        TextGenerateViewModel vm = screen.textViewModel();
        robot.interact(screen::onShow);
        @SuppressWarnings("unchecked")
        ComboBox<String> picker = robot.lookup("#adapter-picker").queryAs(ComboBox.class);
        waitUntil("the run's adapter in the picker", 10, () -> picker.getItems().contains(adapter.toString()));
        robot.interact(() -> picker.getSelectionModel().select(adapter.toString()));
        assertThat(vm.adapterPathProperty().get()).isEqualTo(adapter.toString());

        robot.clickOn("#text-prompt").write(PROMPT);
        robot.interact(() -> vm.maxNewTokensProperty().set(16));
        robot.clickOn("#text-generate-button");
        waitUntil("both answers", 120, () -> !vm.runningProperty().get()
                && !vm.adaptedStatsProperty().get().isEmpty());
        assertThat(vm.messageProperty().get()).isEmpty();
        TextArea base = robot.lookup("#base-answer").queryAs(TextArea.class);
        TextArea adapted = robot.lookup("#adapted-answer").queryAs(TextArea.class);
        assertThat(base.getText()).isNotEmpty();
        assertThat(adapted.getText()).isNotEmpty().isNotEqualTo(base.getText());
        assertThat(vm.baseAnswerProperty().get()).startsWith(base.getText().substring(0, 1));
        assertThat(robot.lookup("Adapted · tiny-adapter").tryQuery()).isPresent();

        // the same answers as the command line
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateTextCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));
        assertThat(cli.execute("--model", model.toString(), "--adapter", adapter.toString(), "--compare",
                "--prompt", PROMPT, "--max-new-tokens", "16")).isZero();
        String printed = out.toString().replace("\r\n", "\n");
        String header = "--- adapted (tiny-adapter) ---\n";
        String cliBase = printed.substring("--- base ---\n".length(), printed.indexOf(header) - 1);
        String cliAdapted = printed.substring(printed.indexOf(header) + header.length(), printed.length() - 1);
        // (the text areas drop control characters a random model may produce; the view model has the answer)
        assertThat(vm.baseAnswerProperty().get()).isEqualTo(cliBase);
        assertThat(vm.adaptedAnswerProperty().get()).isEqualTo(cliAdapted);

        robot.clickOn("#mode-image");
        assertThat(screen.modeProperty().get()).isEqualTo(GenerateScreen.Mode.IMAGE);
        assertThat(robot.lookup("#generate-button").tryQuery()).isPresent();
    }
}
