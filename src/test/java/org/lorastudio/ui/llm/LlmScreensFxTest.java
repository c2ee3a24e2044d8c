package org.lorastudio.ui.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.controlsfx.control.CheckListView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.compare.ConfigDiff;
import org.lorastudio.config.ModelType;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.SampleIndex;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.FxTestSupport;
import org.lorastudio.ui.compare.CompareScreen;
import org.lorastudio.ui.compare.CompareViewModel;
import org.lorastudio.ui.config.ConfigScreen;
import org.lorastudio.ui.config.ConfigViewModel;
import org.lorastudio.ui.runs.FakeRuns;
import org.lorastudio.ui.runs.RunColumn;
import org.lorastudio.ui.runs.RunRow;
import org.lorastudio.ui.runs.RunsScreen;
import org.lorastudio.ui.train.TrainScreen;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Config, Train, Runs and Compare screens with language-model runs, headless, on real data: the demo-llm
 * model and data set written to a temporary product layout, two short real LLM trainings (with text samples) and
 * one image run.
 */
@ExtendWith(ApplicationExtension.class)
class LlmScreensFxTest {
    static Path root;
    static Path workspace;
    static RunFolder llm16;
    static RunFolder llm4;
    static RunFolder sd;

    StudioContext context;
    Stage stage;

    @BeforeAll
    static void runs() throws Exception {
        root = Files.createTempDirectory("llm-screens");
        workspace = LlmTestData.workspace(root);
        llm16 = LlmTestData.train(workspace, "llm-r16", 4, 2, List.of());
        llm4 = LlmTestData.train(workspace, "llm-r4", 4, 2, List.of("lora_rank=4", "learning_rate=1e-3"));
        sd = FakeRuns.completed(workspace.resolve("runs"), "sd-rank4", Instant.parse("2026-11-01T10:00:00Z"), 4,
                "1e-3", 5, 40, 0.5, List.of(2, 4));
    }

    @AfterAll
    static void cleanUp() {
        FxTestSupport.deleteTree(root);
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        context = new StudioContext(workspace);
        stage.setScene(new Scene(new StackPane(), 1280, 800));
        stage.show();
    }

    private <S extends Screen> S show(FxRobot robot, Callable<S> make) throws Exception {
        S screen = WaitForAsyncUtils.asyncFx(make).get(20, TimeUnit.SECONDS);
        robot.interact(() -> {
            ((StackPane) stage.getScene().getRoot()).getChildren().setAll(screen.view());
            screen.onShow();
        });
        return screen;
    }

    @Test
    void theTrainerWritesOneTextSamplePerPromptAndStep() {
        SampleIndex index = SampleIndex.read(llm16.samplesDir());
        assertThat(index.prompts()).containsExactly("Convert 5 meters to centimeters.");
        assertThat(index.samples()).extracting(SampleIndex.Sample::step).containsExactly(2L, 4L);
        assertThat(index.samples()).allMatch(SampleIndex.Sample::isText);
    }

    @Test
    void configFormShowsTheLlmKeysForAnLlmConfig(FxRobot robot) throws Exception {
        ConfigScreen screen = show(robot, () -> new ConfigScreen(context));
        ConfigViewModel vm = screen.viewModel();
        robot.interact(() -> vm.open(LlmTestData.config(workspace)));
        waitUntil("the step count", 30, () -> vm.stepsProperty().get().contains("steps"));
        assertThat(vm.modelTypeProperty().get()).isEqualTo(ModelType.LLM);
        assertThat(vm.problems()).isEmpty();
        assertThat(vm.stepsProperty().get()).startsWith("60 examples × 25 epochs ÷ batch 4 = 375 steps");
        for (String key : List.of("target_modules", "max_seq_length", "prompt_template", "train_on_inputs")) {
            assertThat(robot.lookup("#field-" + key).query().isVisible()).as(key).isTrue();
        }
        assertThat(vm.field("target_modules").textProperty().get()).contains("gate_proj");
        for (String key : List.of("resolution", "enable_bucket", "unet_target_modules")) {
            assertThat(robot.lookup("#field-" + key).query().isVisible()).as(key).isFalse();
        }
        robot.interact(() -> vm.setYaml(vm.yamlProperty().get().replace("model_type: llm", "model_type: sd15")));
        assertThat(vm.modelTypeProperty().get()).isEqualTo(ModelType.SD15);
        assertThat(robot.lookup("#field-max_seq_length").query().isVisible()).isFalse();
        assertThat(robot.lookup("#field-resolution").query().isVisible()).isTrue();
    }

    @Test
    void trainRunsTheDemoLlmConfigWithTheLiveChartAndTextSamples(FxRobot robot) throws Exception {
        TrainScreen screen = show(robot, () -> new TrainScreen(context));
        screen.setConfirmStop(() -> true);
        screen.viewModel().setConfigAdjuster(c -> c.with("max_train_steps", 4).with("sample_every_n_steps", 4)
                .with("save_steps", 0));
        robot.interact(() -> screen.viewModel().configProperty().set(LlmTestData.config(workspace)));
        robot.clickOn("#train-start");
        try {
            waitUntil("chart points", 180, () -> screen.viewModel().series().size() > 0);
            waitUntil("run end", 180, () -> !screen.viewModel().isBusy());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; log: " + screen.viewModel().log(), e);
        }
        assertThat(screen.viewModel().finalStatusProperty().get()).isEqualTo("completed");
        assertThat(screen.viewModel().series().size()).isEqualTo(4);
        assertThat(robot.lookup("#train-progress-text").queryLabeled().getText()).startsWith("step 4 / 4");
        assertThat(screen.viewModel().samples()).hasSize(1);
        List<Label> answers = robot.lookup("#train-gallery .sample-text").queryAllAs(Label.class).stream().toList();
        assertThat(answers).hasSize(1);
        String onDisk = Files.readString(screen.viewModel().samples().get(0)).strip();
        assertThat(answers.get(0).getText()).isEqualTo(onDisk.isEmpty() ? "(empty answer)" : onDisk);
        assertThat(robot.lookup("Convert 5 meters to centimeters.").tryQuery()).isPresent(); // the caption
        assertThat(robot.lookup("#train-gallery .image-view").queryAll()).isEmpty();
        robot.interact(screen::onCloseRequest);
    }

    @Test
    void runsListsLlmRunsWithModelTypeRankAndLoss(FxRobot robot) throws Exception {
        RunsScreen screen = show(robot, () -> new RunsScreen(context));
        @SuppressWarnings("unchecked")
        TableView<RunRow> table = robot.lookup("#runs-table").queryAs(TableView.class);
        waitUntil("three runs", 20, () -> table.getItems().size() >= 3);
        RunRow row = table.getItems().stream().filter(r -> r.name().equals("llm-r16")).findFirst().orElseThrow();
        assertThat(RunColumn.MODEL.value(row)).isEqualTo("llm");
        assertThat(RunColumn.RANK.value(row)).isEqualTo(16);
        assertThat(row.learningRateValue()).isEqualTo(3e-3);
        assertThat(row.status()).isEqualTo("completed");
        assertThat(row.stepsText()).isEqualTo("4/4");
        assertThat(row.finalLoss()).isNotNull().isPositive();
        RunRow image = table.getItems().stream().filter(r -> r.name().equals("sd-rank4")).findFirst().orElseThrow();
        assertThat(RunColumn.MODEL.value(image)).isEqualTo("sd15");
        assertThat(robot.lookup(".table-cell").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.Labeled l && "llm".equals(l.getText())))
                .hasSizeGreaterThanOrEqualTo(2);
        robot.interact(screen::onCloseRequest);
    }

    @Test
    void compareTwoLlmRunsShowsTheDiffCurvesAndTextSamples(FxRobot robot) throws Exception {
        CompareScreen screen = compare(robot, "llm-r16", "llm-r4");
        CompareViewModel.Result r = screen.viewModel().resultProperty().get();
        assertThat(r.diff().rows()).extracting(ConfigDiff.Row::key).contains("name", "lora_rank", "learning_rate")
                .doesNotContain("model_type", "target_modules");
        assertThat(screen.viewModel().curves()).hasSize(2).allSatisfy(c -> assertThat(c).isNotEmpty());
        // both runs drawn on the canvas chart (raw and smoothed lines per run)
        waitUntil("the compare chart lines", 20, () -> screen.chart().canvas().currentPlot().lines().size() >= 2);
        assertThat(screen.chart().canvas().currentPlot().lines()).allSatisfy(l -> assertThat(l.points().size()).isPositive());
        assertThat(r.sampleSteps()).containsExactly(2L, 4L);

        showSamples(robot);
        List<Label> texts = robot.lookup("#sample-grid .sample-text").queryAllAs(Label.class).stream().toList();
        assertThat(texts).hasSize(2); // the last step by default: one answer per run
        String expected = Files.readString(llm16.samplesDir().resolve(SampleIndex.fileName(4, 0, "txt"))).strip();
        assertThat(texts).extracting(Label::getText).contains(expected.isEmpty() ? "(empty answer)" : expected);
        assertThat(robot.lookup("#sample-grid .image-view").queryAll()).isEmpty();
    }

    @Test
    void compareAnLlmRunWithAnImageRun(FxRobot robot) throws Exception {
        CompareScreen screen = compare(robot, "llm-r16", "sd-rank4");
        CompareViewModel.Result r = screen.viewModel().resultProperty().get();
        assertThat(r.diff().rows()).extracting(ConfigDiff.Row::key)
                .contains("model_type", "base_model", "lora_rank", "learning_rate");
        assertThat(screen.viewModel().curves()).hasSize(2);
        showSamples(robot);
        // the last step: the language model's answer to its one prompt, the image run's two pictures
        assertThat(robot.lookup("#sample-grid .sample-text").queryAll()).hasSize(1);
        assertThat(robot.lookup("#sample-grid .image-view").queryAll()).hasSize(2);
    }

    private CompareScreen compare(FxRobot robot, String... names) throws Exception {
        CompareScreen screen = show(robot, () -> new CompareScreen(context));
        @SuppressWarnings("unchecked")
        CheckListView<RunRow> list = robot.lookup("#compare-runs").queryAs(CheckListView.class);
        waitUntil("the runs", 20, () -> list.getItems().size() >= 3);
        robot.interact(() -> {
            for (String n : names) {
                list.getCheckModel().check(list.getItems().stream().filter(r -> r.name().equals(n)).findFirst()
                        .orElseThrow());
            }
        });
        waitUntil("the comparison", 30, () -> screen.viewModel().resultProperty().get() != null
                && screen.viewModel().resultProperty().get().runs().size() == names.length);
        return screen;
    }

    private static void showSamples(FxRobot robot) {
        TabPane tabs = robot.lookup(".tab-pane").queryAs(TabPane.class);
        Tab samples = tabs.getTabs().stream().filter(t -> t.getText().equals("Samples")).findFirst().orElseThrow();
        robot.interact(() -> tabs.getSelectionModel().select(samples));
        WaitForAsyncUtils.waitForFxEvents();
        Node grid = robot.lookup("#sample-grid").query();
        assertThat(grid).isNotNull();
    }
}
