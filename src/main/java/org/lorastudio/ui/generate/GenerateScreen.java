package org.lorastudio.ui.generate;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.lorastudio.config.Sampler;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/**
 * The Generate screen (SPEC §7): base model plus LoRAs at chosen strengths, prompt and settings, an optional
 * strength sweep (same seed), progress and cancel, the images, and Save. An "Image | Text" switch shows the text
 * mode for language models instead ({@link TextGenerateView}: base and adapted answers side by side); choosing a
 * language-model folder as the base model switches to it.
 */
public final class GenerateScreen implements Screen {
    private static final double PREVIEW = 256;

    private final StudioContext context;
    private final GenerationEngine engine = new GenerationEngine();
    private final GenerateViewModel vm;
    private final TextGenerateViewModel textVm;
    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(Mode.IMAGE);
    private final BorderPane root = new BorderPane();
    private final VBox loraRows = new VBox(6);
    private final FlowPane resultPane = new FlowPane(12, 12);
    /** Bidirectional bindings to spinners hold their adapters weakly; keep them. */
    private final List<Object> keep = new ArrayList<>();

    /** What the screen generates. */
    public enum Mode { IMAGE, TEXT }

    public GenerateScreen(StudioContext context) {
        this(context, defaultModel(context), defaultModel(context, "demo-llm"));
    }

    /** With an explicit default base model (tests use the fixture). */
    public GenerateScreen(StudioContext context, Path defaultModel) {
        this(context, defaultModel, defaultModel(context, "demo-llm"));
    }

    /** With explicit default models for both modes. */
    public GenerateScreen(StudioContext context, Path defaultModel, Path defaultTextModel) {
        this.context = context;
        this.vm = new GenerateViewModel(engine, defaultModel, context.background(), Platform::runLater);
        this.textVm = new TextGenerateViewModel(engine, defaultTextModel, context.runsDir(), context.background(),
                Platform::runLater);
        for (javafx.beans.property.StringProperty m : List.of(vm.messageProperty(), textVm.messageProperty())) {
            m.addListener((o, a, b) -> {
                if (b != null && !b.isEmpty()) {
                    context.statusProperty().set(b);
                }
            });
        }
        // a language-model folder chosen as the base model belongs to the text mode
        vm.modelPathProperty().addListener((o, a, b) -> {
            if (TextGenerateViewModel.isLanguageModel(b)) {
                textVm.modelPathProperty().set(b);
                mode.set(Mode.TEXT);
                // the image mode keeps its diffusion model; later, as a text field is still pushing this change
                String previous = a != null && !TextGenerateViewModel.isLanguageModel(a) ? a : "";
                Platform.runLater(() -> vm.modelPathProperty().set(previous));
            }
        });
        build();
    }

    /** The demo model next to the workspace ({@code models/demo}, SPEC: product layout). */
    static Path defaultModel(StudioContext context) {
        return defaultModel(context, "demo");
    }

    /** {@code models/<name>} next to the workspace. */
    static Path defaultModel(StudioContext context, String name) {
        Path parent = context.workspace().toAbsolutePath().getParent();
        return (parent == null ? Path.of("models") : parent.resolve("models")).resolve(name);
    }

    public GenerateViewModel viewModel() {
        return vm;
    }

    /** The text mode's form and answers. */
    public TextGenerateViewModel textViewModel() {
        return textVm;
    }

    /** Image or text mode; the switch at the top of the screen is bound to it. */
    public ObjectProperty<Mode> modeProperty() {
        return mode;
    }

    @Override
    public String title() {
        return "Generate";
    }

    @Override
    public Node view() {
        return root;
    }

    /**
     * For the screenshot tour: the text mode answering {@code prompt} with the newest adapter of the workspace's
     * runs (base answer only when there is none). Completes on the FX thread once the answers are shown, or
     * exceptionally with the form's message.
     */
    public CompletableFuture<?> showTextExample(String prompt, int maxNewTokens) {
        mode.set(Mode.TEXT);
        textVm.promptProperty().set(prompt);
        textVm.maxNewTokensProperty().set(maxNewTokens);
        return textVm.refreshAdapters().thenCompose(found -> {
            if (!found.isEmpty()) {
                textVm.adapterPathProperty().set(found.get(0).folder().toString());
            }
            return textVm.generate();
        });
    }

    @Override
    public void onShow() {
        textVm.refreshAdapters();
    }

    @Override
    public boolean onCloseRequest() {
        vm.cancel();
        textVm.cancel();
        engine.close();
        return true;
    }

    FlowPane resultPane() {
        return resultPane;
    }

    private void build() {
        root.getStyleClass().add("generate-screen");
        GridPane form = GenerateLayout.formGrid(90);
        int row = 0;

        TextField model = new TextField();
        model.textProperty().bindBidirectional(vm.modelPathProperty());
        model.setId("model-path");
        Button folder = new Button("Folder…");
        folder.setTooltip(new Tooltip("A diffusers model folder"));
        folder.setOnAction(e -> chooseModel(true));
        Button file = new Button("File…");
        file.setTooltip(new Tooltip("A single-file .safetensors checkpoint"));
        file.setOnAction(e -> chooseModel(false));
        HBox modelBox = new HBox(6, model, folder, file);
        HBox.setHgrow(model, Priority.ALWAYS);
        form.addRow(row++, new Label("Base model"), modelBox);

        Button addLora = new Button("Add LoRA");
        addLora.setOnAction(e -> vm.addLora("", 1.0));
        vm.loras().addListener((ListChangeListener<GenerateViewModel.LoraRow>) c -> rebuildLoraRows());
        VBox loraBox = new VBox(6, loraRows, addLora);
        form.addRow(row++, new Label("LoRAs"), loraBox);

        TextArea prompt = new TextArea();
        prompt.setPrefRowCount(3);
        prompt.setWrapText(true);
        prompt.setId("prompt");
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        prompt.setPromptText("a red circle on a white background");
        form.addRow(row++, new Label("Prompt"), prompt);
        TextArea negative = new TextArea();
        negative.setPrefRowCount(2);
        negative.setWrapText(true);
        negative.textProperty().bindBidirectional(vm.negativePromptProperty());
        negative.setPromptText("what to avoid (optional)");
        form.addRow(row++, new Label("Negative"), negative);

        Spinner<Integer> seed = intSpinner(0, Integer.MAX_VALUE, 1, vm.seedProperty().asObject());
        seed.setPrefWidth(140);
        Button random = new Button("Random");
        random.setOnAction(e -> vm.randomSeed());
        form.addRow(row++, new Label("Seed"), new HBox(6, seed, random));

        ComboBox<Sampler> sampler = new ComboBox<>();
        sampler.getItems().addAll(Sampler.values());
        sampler.valueProperty().bindBidirectional(vm.samplerProperty());
        sampler.setConverter(new StringConverter<>() {
            @Override
            public String toString(Sampler s) {
                return s == null ? "" : s.yamlName() + " — " + s.description();
            }

            @Override
            public Sampler fromString(String s) {
                return null;
            }
        });
        form.addRow(row++, new Label("Sampler"), sampler);

        Spinner<Integer> steps = intSpinner(1, 1000, 1, vm.stepsProperty().asObject());
        Spinner<Double> guidance = new Spinner<>(1.0, 30.0, vm.guidanceProperty().get(), 0.5);
        guidance.setEditable(true);
        ObjectProperty<Double> g = vm.guidanceProperty().asObject();
        guidance.getValueFactory().valueProperty().bindBidirectional(g);
        keep.add(g);
        guidance.setPrefWidth(90);
        steps.setPrefWidth(90);
        form.addRow(row++, new Label("Steps"), new HBox(8, steps, new Label("Guidance"), guidance));

        Spinner<Integer> w = intSpinner(64, 2048, 8, vm.widthProperty().asObject());
        Spinner<Integer> h = intSpinner(64, 2048, 8, vm.heightProperty().asObject());
        w.setPrefWidth(90);
        h.setPrefWidth(90);
        form.addRow(row++, new Label("Size"), new HBox(8, w, new Label("×"), h, new Label("px (multiples of 8)")));

        CheckBox sweep = new CheckBox("Strength sweep of the first LoRA");
        sweep.selectedProperty().bindBidirectional(vm.sweepProperty());
        TextField strengths = new TextField();
        strengths.textProperty().bindBidirectional(vm.sweepStrengthsProperty());
        strengths.disableProperty().bind(vm.sweepProperty().not());
        strengths.setTooltip(new Tooltip("Strengths, comma-separated; every image uses the same seed"));
        form.addRow(row++, new Label("Sweep"), new VBox(4, sweep, strengths));

        Button generate = new Button("Generate");
        generate.setId("generate-button");
        generate.setDefaultButton(true);
        generate.setOnAction(e -> vm.generate());
        generate.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        form.addRow(row++, new Label(), new HBox(8, generate, cancel));
        root.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.ENTER, KeyCombination.SHORTCUT_DOWN).match(e)) {
                if (mode.get() == Mode.TEXT && !textVm.runningProperty().get()) {
                    textVm.generate();
                } else if (mode.get() == Mode.IMAGE && !vm.runningProperty().get()) {
                    vm.generate();
                }
            }
        });

        ScrollPane formScroll = GenerateLayout.formScroll(form);
        VBox top = GenerateLayout.statusArea(vm.runningProperty(), vm.progressProperty(), vm.progressTextProperty(),
                vm.messageProperty());

        resultPane.setPadding(new Insets(10));
        resultPane.setId("results");
        vm.results().addListener((ListChangeListener<GenerateViewModel.ResultImage>) c -> rebuildResults());
        ScrollPane resultScroll = new ScrollPane(resultPane);
        resultScroll.setFitToWidth(true);
        BorderPane right = new BorderPane(resultScroll);
        right.setTop(top);
        Label empty = new Label("Images appear here. The first run loads the model (a few seconds); later runs reuse"
                + " it.");
        empty.setPadding(new Insets(10));
        empty.visibleProperty().bind(Bindings.isEmpty(vm.results()));
        empty.managedProperty().bind(empty.visibleProperty());
        resultPane.getChildren().add(empty);
        keep.add(empty);

        SplitPane split = new SplitPane(formScroll, right);
        split.setDividerPositions(0.4);
        SplitPane.setResizableWithParent(formScroll, false);

        Node text = new TextGenerateView(textVm, context.runsDir()).node();
        ToggleGroup group = new ToggleGroup();
        ToggleButton image = new ToggleButton("Image");
        image.setId("mode-image");
        image.setUserData(Mode.IMAGE);
        ToggleButton textMode = new ToggleButton("Text");
        textMode.setId("mode-text");
        textMode.setUserData(Mode.TEXT);
        textMode.setTooltip(new Tooltip("Language models: base and adapted answers side by side"));
        group.getToggles().addAll(image, textMode);
        group.selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one mode is always chosen
            } else {
                mode.set((Mode) b.getUserData());
            }
        });
        Runnable show = () -> {
            boolean isText = mode.get() == Mode.TEXT;
            group.selectToggle(isText ? textMode : image);
            root.setCenter(isText ? text : split);
        };
        mode.addListener((o, a, b) -> show.run());
        show.run();
        Label what = new Label("Mode");
        HBox modeBar = new HBox(8, what, image, textMode);
        modeBar.setAlignment(Pos.CENTER_LEFT);
        modeBar.setPadding(new Insets(8, 10, 0, 10));
        root.setTop(modeBar);
    }

    private Spinner<Integer> intSpinner(int min, int max, int step, ObjectProperty<Integer> value) {
        Spinner<Integer> s = new Spinner<>();
        s.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value.get(), step));
        s.setEditable(true);
        s.getValueFactory().valueProperty().bindBidirectional(value);
        keep.add(value);
        return s;
    }

    private void rebuildLoraRows() {
        loraRows.getChildren().clear();
        for (GenerateViewModel.LoraRow r : vm.loras()) {
            TextField file = new TextField();
            file.textProperty().bindBidirectional(r.fileProperty());
            file.setPromptText("path to a LoRA .safetensors");
            Button browse = new Button("…");
            browse.setTooltip(new Tooltip("Choose a LoRA file"));
            browse.setOnAction(e -> {
                FileChooser fc = new FileChooser();
                fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("LoRA", "*.safetensors"));
                File dir = context.runsDir().toFile();
                if (dir.isDirectory()) {
                    fc.setInitialDirectory(dir);
                }
                File f = fc.showOpenDialog(root.getScene().getWindow());
                if (f != null) {
                    r.fileProperty().set(f.getAbsolutePath());
                }
            });
            Slider strength = new Slider(-1, 2, r.strengthProperty().get());
            strength.valueProperty().bindBidirectional(r.strengthProperty());
            strength.setMajorTickUnit(0.25);
            strength.setBlockIncrement(0.05);
            strength.setPrefWidth(120);
            Label value = new Label();
            value.textProperty().bind(r.strengthProperty().asString(Locale.ROOT, "%.2f"));
            value.setMinWidth(36);
            Button remove = new Button("✕");
            remove.setTooltip(new Tooltip("Remove this LoRA"));
            remove.setOnAction(e -> vm.loras().remove(r));
            HBox line = new HBox(6, file, browse, strength, value, remove);
            line.setAlignment(Pos.CENTER_LEFT);
            HBox.setHgrow(file, Priority.ALWAYS);
            loraRows.getChildren().add(line);
        }
    }

    private void rebuildResults() {
        resultPane.getChildren().removeIf(n -> n.getStyleClass().contains("result-card"));
        for (GenerateViewModel.ResultImage img : vm.results()) {
            ImageView view = new ImageView(img.image());
            double scale = Math.min(PREVIEW / img.image().getWidth(), PREVIEW / img.image().getHeight());
            view.setFitWidth(img.image().getWidth() * scale);
            view.setFitHeight(img.image().getHeight() * scale);
            // small images (64 px on the demo model) are shown enlarged without blurring
            view.setSmooth(scale < 1);
            Label label = new Label(img.label() + " · seed " + img.seed());
            Button save = new Button("Save…");
            save.setOnAction(e -> save(img));
            VBox card = new VBox(4, view, label, save);
            card.getStyleClass().add("result-card");
            card.setStyle("-fx-padding: 6; -fx-background-color: #f6f6f6; -fx-border-color: #ddd;");
            resultPane.getChildren().add(card);
        }
    }

    private void save(GenerateViewModel.ResultImage img) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save image");
        fc.setInitialFileName("generated-" + img.seed() + "-" + img.label().replaceAll("[^A-Za-z0-9.]+", "_")
                + ".png");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("PNG image", "*.png"));
        File f = fc.showSaveDialog(root.getScene().getWindow());
        if (f != null) {
            vm.save(img, f.toPath());
        }
    }

    private void chooseModel(boolean folder) {
        File f;
        if (folder) {
            DirectoryChooser dc = new DirectoryChooser();
            dc.setTitle("Base model folder (diffusers)");
            f = dc.showDialog(root.getScene().getWindow());
        } else {
            FileChooser fc = new FileChooser();
            fc.setTitle("Base model file");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("safetensors", "*.safetensors"));
            f = fc.showOpenDialog(root.getScene().getWindow());
        }
        if (f != null) {
            vm.modelPathProperty().set(f.getAbsolutePath());
        }
    }
}
