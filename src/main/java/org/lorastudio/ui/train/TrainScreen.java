package org.lorastudio.ui.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/**
 * The Train screen: pick a config, Start / Stop / Resume, and watch the run live: progress with speed and ETA, a
 * canvas loss chart (raw, EMA-smoothed, learning rate), the newest samples, the log, and a plain-language failure
 * panel. All logic is in {@link TrainViewModel}; this class only builds and binds controls.
 */
public final class TrainScreen implements Screen {
    /** The shipped demo config, relative to the studio's folder. */
    public static final Path DEMO_CONFIG = Path.of("resources/configs/demo.yaml");

    private final StudioContext context;
    private final TrainViewModel vm;
    private final BorderPane root = new BorderPane();
    private final ComboBox<Path> configs = new ComboBox<>();
    private final LossCanvas chart = new LossCanvas();
    private final Slider smoothing = new Slider(0, 0.99, 0.9);
    private final CheckBox logScale = new CheckBox("Log scale");
    private final TilePane gallery = new TilePane(8, 8);
    private BooleanSupplier confirmStop = TrainScreen::askStop;

    public TrainScreen(StudioContext context) {
        this.context = context;
        this.vm = new TrainViewModel(context.workspace(), TrainViewModel.newTrainerThreadPerRun(), Platform::runLater);
        build();
        refreshConfigs();
    }

    /** The view model (tests and the screenshot mode drive it). */
    public TrainViewModel viewModel() {
        return vm;
    }

    /** Replaces the close confirmation (tests answer without a dialog). */
    public void setConfirmStop(BooleanSupplier confirm) {
        this.confirmStop = confirm;
    }

    @Override
    public String title() {
        return "Train";
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void onShow() {
        refreshConfigs();
        Path focused = context.runProperty().get();
        if (focused != null && !vm.isBusy() && !focused.equals(vm.runDirProperty().get())) {
            vm.open(focused); // Resume continues the run selected elsewhere (Runs, Notes); the chart shows it
        }
    }

    @Override
    public boolean onCloseRequest() {
        return vm.closeRequest(confirmStop, 30);
    }

    private static boolean askStop() {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION,
                "Training is running. Stop it now? The current step finishes and a checkpoint is saved, so the"
                        + " run can be resumed later.", ButtonType.YES, ButtonType.NO);
        a.setHeaderText("Stop training and close?");
        return a.showAndWait().orElse(ButtonType.NO) == ButtonType.YES;
    }

    private void refreshConfigs() {
        List<Path> list = new ArrayList<>();
        Path selected = context.configProperty().get();
        if (selected != null) {
            list.add(selected);
        }
        if (Files.isDirectory(context.configsDir())) {
            try (Stream<Path> s = Files.list(context.configsDir())) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                        .filter(p -> !list.contains(p)).forEach(list::add);
            } catch (IOException e) {
                // an unreadable configs folder only shortens the list
            }
        }
        Path demo = DEMO_CONFIG.toAbsolutePath().normalize();
        if (Files.exists(demo) && !list.contains(demo)) {
            list.add(demo);
        }
        Path current = vm.configProperty().get();
        if (current != null && !list.contains(current)) {
            list.add(current);
        }
        configs.getItems().setAll(list);
        if (current == null || selected != null && !selected.equals(current) && !vm.isBusy()) {
            Path pick = selected != null ? selected : list.isEmpty() ? null : list.get(0);
            vm.configProperty().set(pick);
        }
        configs.setValue(vm.configProperty().get());
    }

    private void build() {
        configs.setPrefWidth(360);
        configs.setConverter(new StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : p.getFileName() + "  (" + p.getParent() + ")";
            }

            @Override
            public Path fromString(String s) {
                return Path.of(s);
            }
        });
        configs.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.configProperty().set(b);
            }
        });
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("YAML config", "*.yaml", "*.yml"));
            java.io.File f = fc.showOpenDialog(root.getScene().getWindow());
            if (f != null) {
                Path p = f.toPath().toAbsolutePath();
                if (!configs.getItems().contains(p)) {
                    configs.getItems().add(0, p);
                }
                configs.setValue(p);
            }
        });
        Button start = new Button("Start");
        start.setId("train-start");
        start.setDefaultButton(true);
        start.setOnAction(e -> vm.start());
        Button stop = new Button("Stop");
        stop.setId("train-stop");
        stop.setOnAction(e -> vm.stop());
        Button resume = new Button("Resume");
        resume.setId("train-resume");
        resume.setOnAction(e -> vm.resume(null));
        var busy = Bindings.createBooleanBinding(vm::isBusy, vm.stateProperty());
        start.disableProperty().bind(busy);
        browse.disableProperty().bind(busy);
        configs.disableProperty().bind(busy);
        resume.disableProperty().bind(busy.or(vm.runDirProperty().isNull()));
        stop.disableProperty().bind(Bindings.createBooleanBinding(
                () -> vm.stateProperty().get() != TrainState.RUNNING
                        && vm.stateProperty().get() != TrainState.PREPARING, vm.stateProperty()));
        Label runLabel = new Label();
        runLabel.textProperty().bind(Bindings.createStringBinding(() -> {
            Path r = vm.runDirProperty().get();
            String st = vm.finalStatusProperty().get();
            return r == null ? "" : "Run: " + r.getFileName() + (st.isEmpty() ? "" : " — " + st);
        }, vm.runDirProperty(), vm.finalStatusProperty()));
        HBox bar = new HBox(8, new Label("Config:"), configs, browse, start, stop, resume, runLabel);
        bar.setAlignment(Pos.CENTER_LEFT);

        ProgressBar progress = new ProgressBar();
        progress.setId("train-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.setPrefWidth(420);
        Label progressText = new Label();
        progressText.setId("train-progress-text");
        progressText.textProperty().bind(vm.progressTextProperty());
        HBox progressRow = new HBox(10, progress, progressText);
        progressRow.setAlignment(Pos.CENTER_LEFT);

        Label failTitle = new Label("Training failed");
        failTitle.setStyle("-fx-font-weight: bold; -fx-text-fill: #a00000;");
        Label failReason = new Label();
        failReason.setWrapText(true);
        failReason.textProperty().bind(vm.failureReasonProperty());
        Label failAdvice = new Label();
        failAdvice.setWrapText(true);
        failAdvice.textProperty().bind(Bindings.concat("What to try: ", vm.failureAdviceProperty()));
        VBox failure = new VBox(4, failTitle, failReason, failAdvice);
        failure.setId("train-failure");
        failure.setPadding(new Insets(8));
        failure.setStyle("-fx-background-color: #fdecea; -fx-border-color: #e0a0a0; -fx-border-radius: 4;"
                + " -fx-background-radius: 4;");
        failure.visibleProperty().bind(vm.failureReasonProperty().isNotEmpty());
        failure.managedProperty().bind(failure.visibleProperty());

        VBox top = new VBox(8, bar, progressRow, failure);
        top.setPadding(new Insets(10));

        chart.setId("train-chart");
        Label smoothLabel = new Label();
        smoothLabel.textProperty().bind(Bindings.format("Smoothing %.2f", smoothing.valueProperty()));
        smoothing.setPrefWidth(180);
        HBox chartControls = new HBox(10, smoothLabel, smoothing, logScale);
        chartControls.setAlignment(Pos.CENTER_LEFT);
        chartControls.setPadding(new Insets(0, 0, 4, 0));
        Runnable redraw = () -> chart.show(vm.series(), smoothing.getValue(), logScale.isSelected());
        vm.chartVersionProperty().addListener((o, a, b) -> redraw.run());
        smoothing.valueProperty().addListener((o, a, b) -> redraw.run());
        logScale.selectedProperty().addListener((o, a, b) -> redraw.run());
        VBox.setVgrow(chart, Priority.ALWAYS);
        VBox chartBox = new VBox(chartControls, chart);

        gallery.setId("train-gallery");
        gallery.setPadding(new Insets(6));
        gallery.setPrefTileWidth(160);
        vm.samples().addListener((ListChangeListener<Path>) c -> fillGallery());
        Label galleryTitle = new Label("Latest samples");
        galleryTitle.setStyle("-fx-font-weight: bold;");
        ScrollPane galleryScroll = new ScrollPane(gallery);
        galleryScroll.setFitToWidth(true);
        VBox.setVgrow(galleryScroll, Priority.ALWAYS);
        VBox galleryBox = new VBox(4, galleryTitle, galleryScroll);

        SplitPane left = new SplitPane(chartBox, galleryBox);
        left.setOrientation(Orientation.VERTICAL);
        left.setDividerPositions(0.62);

        ListView<String> log = new ListView<>(vm.log());
        log.setId("train-log");
        vm.log().addListener((ListChangeListener<String>) c -> log.scrollTo(vm.log().size() - 1));
        Label logTitle = new Label("Log");
        logTitle.setStyle("-fx-font-weight: bold;");
        VBox.setVgrow(log, Priority.ALWAYS);
        VBox logBox = new VBox(4, logTitle, log);

        SplitPane center = new SplitPane(left, logBox);
        center.setDividerPositions(0.68);
        center.setPadding(new Insets(0, 10, 10, 10));
        root.setTop(top);
        root.setCenter(center);
        vm.runDirProperty().addListener((o, a, b) -> {
            if (b != null) {
                context.runProperty().set(b);
            }
        });
        vm.finalStatusProperty().addListener((o, a, b) -> {
            if (!b.isEmpty()) {
                context.statusProperty().set("Training " + b);
            }
        });
    }

    private void fillGallery() {
        gallery.getChildren().clear();
        List<Path> files = vm.samples();
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            String prompt = i < vm.samplePrompts().size() ? vm.samplePrompts().get(i) : f.getFileName().toString();
            Label caption = new Label(prompt);
            caption.setWrapText(true);
            caption.setMaxWidth(160);
            Node picture;
            String name = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg")) {
                ImageView iv = new ImageView(new Image(f.toUri().toString(), true));
                iv.setFitWidth(160);
                iv.setFitHeight(160);
                iv.setPreserveRatio(true);
                iv.setSmooth(false);
                picture = iv;
            } else if (name.endsWith(".txt")) {
                picture = textSample(f); // a language model's answer
            } else {
                picture = new Label(f.getFileName().toString());
            }
            gallery.getChildren().add(new VBox(2, picture, caption));
        }
    }

    /** A language model's sample answer (a few hundred bytes, written before the event arrived). */
    private static Node textSample(Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file).strip();
        } catch (java.io.IOException e) {
            text = file.getFileName() + " (unreadable: " + e.getMessage() + ")";
        }
        Label answer = new Label(text.isEmpty() ? "(empty answer)" : text);
        answer.setWrapText(true);
        answer.setMaxWidth(160); // the gallery's tile width
        answer.setStyle("-fx-font-family: monospace; -fx-background-color: #f6f6f6; -fx-padding: 4;");
        answer.getStyleClass().add("sample-text");
        return answer;
    }
}
