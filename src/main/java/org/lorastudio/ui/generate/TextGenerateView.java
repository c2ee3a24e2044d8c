package org.lorastudio.ui.generate;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.StringConverter;
import org.lorastudio.config.PromptTemplate;

/**
 * The text mode of the Generate screen: the form of {@code generate-text} on the left, the base and the adapted
 * answer side by side on the right (read-only, selectable text), filled as the tokens arrive.
 */
final class TextGenerateView {
    private final TextGenerateViewModel vm;
    private final Path runsDir;
    private final SplitPane root;
    /** Bidirectional bindings to spinners hold their adapters weakly; keep them. */
    private final List<Object> keep = new ArrayList<>();

    TextGenerateView(TextGenerateViewModel vm, Path runsDir) {
        this.vm = vm;
        this.runsDir = runsDir;
        this.root = build();
    }

    Node node() {
        return root;
    }

    private SplitPane build() {
        GridPane form = GenerateLayout.formGrid(112);
        int row = 0;

        TextField model = new TextField();
        model.setId("text-model-path");
        model.textProperty().bindBidirectional(vm.modelPathProperty());
        Button modelFolder = new Button("Folder…");
        modelFolder.setTooltip(new Tooltip("A Hugging Face model folder: config.json, model.safetensors,"
                + " tokenizer.json"));
        modelFolder.setOnAction(e -> chooseFolder("Language model folder", vm.modelPathProperty().get(),
                vm.modelPathProperty()::set));
        HBox modelBox = new HBox(6, model, modelFolder);
        HBox.setHgrow(model, Priority.ALWAYS);
        form.addRow(row++, new Label("Model"), modelBox);

        ComboBox<String> adapter = new ComboBox<>();
        adapter.setId("adapter-picker");
        adapter.setEditable(true);
        adapter.setMaxWidth(Double.MAX_VALUE);
        adapter.setPromptText("none: base answer only");
        adapter.setTooltip(new Tooltip("A PEFT adapter folder (adapter_config.json + adapter_model.safetensors);"
                + " the list shows the adapters of this workspace's runs"));
        // a run's adapter reads as "<run> / <adapter>"; any other folder as its path
        adapter.setConverter(new StringConverter<>() {
            @Override
            public String toString(String folder) {
                return folder == null ? "" : vm.adapters().stream().filter(c -> c.folder().toString().equals(folder))
                        .findFirst().map(TextGenerateViewModel.AdapterChoice::label).orElse(folder);
            }

            @Override
            public String fromString(String text) {
                return text == null ? "" : vm.adapters().stream().filter(c -> c.label().equals(text)).findFirst()
                        .map(c -> c.folder().toString()).orElse(text.strip());
            }
        });
        adapter.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : adapter.getConverter().toString(item));
            }
        });
        vm.adapters().addListener((ListChangeListener<TextGenerateViewModel.AdapterChoice>) c -> {
            String chosen = vm.adapterPathProperty().get();
            adapter.getItems().setAll(vm.adapters().stream().map(x -> x.folder().toString()).toList());
            vm.adapterPathProperty().set(chosen); // refilling the list must not clear the choice
        });
        adapter.valueProperty().bindBidirectional(vm.adapterPathProperty());
        Button adapterFolder = new Button("Folder…");
        adapterFolder.setTooltip(new Tooltip("Any PEFT adapter folder"));
        adapterFolder.setOnAction(e -> chooseFolder("PEFT adapter folder", runsDir.toString(),
                vm.adapterPathProperty()::set));
        Button none = new Button("None");
        none.setTooltip(new Tooltip("Base answer only"));
        none.setOnAction(e -> vm.adapterPathProperty().set(""));
        for (Button b : List.of(modelFolder, adapterFolder, none)) {
            b.setMinWidth(Region.USE_PREF_SIZE); // the path field shrinks, not the buttons
        }
        HBox adapterBox = new HBox(6, adapter, adapterFolder, none);
        HBox.setHgrow(adapter, Priority.ALWAYS);
        form.addRow(row++, new Label("Adapter"), adapterBox);

        TextArea prompt = new TextArea();
        prompt.setId("text-prompt");
        prompt.setPrefRowCount(4);
        prompt.setWrapText(true);
        prompt.textProperty().bindBidirectional(vm.promptProperty());
        prompt.setPromptText("Convert 5 meters to centimeters.");
        form.addRow(row++, new Label("Prompt"), prompt);

        ComboBox<PromptTemplate> template = new ComboBox<>();
        template.getItems().addAll(PromptTemplate.values());
        template.valueProperty().bindBidirectional(vm.templateProperty());
        template.setConverter(new StringConverter<>() {
            @Override
            public String toString(PromptTemplate t) {
                return t == null ? "" : t == PromptTemplate.ALPACA ? "alpaca — ### Instruction: / ### Response:"
                        : "plain — the prompt as is";
            }

            @Override
            public PromptTemplate fromString(String s) {
                return null;
            }
        });
        template.setTooltip(new Tooltip("Use the template the adapter was trained with (prompt_template)"));
        form.addRow(row++, new Label("Template"), template);

        Spinner<Integer> tokens = intSpinner(1, 4096, 16, vm.maxNewTokensProperty().asObject());
        tokens.setId("max-new-tokens");
        tokens.setPrefWidth(110);
        form.addRow(row++, new Label("Max new tokens"), tokens);

        CheckBox greedy = new CheckBox("Greedy (the most likely token each step)");
        greedy.setId("greedy");
        greedy.selectedProperty().bindBidirectional(vm.greedyProperty());
        form.addRow(row++, new Label("Decoding"), greedy);

        Spinner<Double> temperature = doubleSpinner(0.0, 5.0, 0.1, vm.temperatureProperty().asObject());
        Spinner<Double> topP = doubleSpinner(0.01, 1.0, 0.05, vm.topPProperty().asObject());
        temperature.disableProperty().bind(vm.greedyProperty());
        topP.disableProperty().bind(vm.greedyProperty());
        form.addRow(row++, new Label("Temperature"), new HBox(8, temperature, new Label("Top-p"), topP));

        Spinner<Integer> seed = intSpinner(0, Integer.MAX_VALUE, 1, vm.seedProperty().asObject());
        seed.setPrefWidth(140);
        seed.disableProperty().bind(vm.greedyProperty());
        Button random = new Button("Random");
        random.disableProperty().bind(vm.greedyProperty());
        random.setOnAction(e -> vm.randomSeed());
        form.addRow(row++, new Label("Seed"), new HBox(6, seed, random));

        Button generate = new Button("Generate");
        generate.setId("text-generate-button");
        generate.setDefaultButton(true);
        generate.setOnAction(e -> vm.generate());
        generate.disableProperty().bind(vm.runningProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("text-cancel-button");
        cancel.setOnAction(e -> vm.cancel());
        cancel.disableProperty().bind(vm.runningProperty().not());
        form.addRow(row++, new Label(), new HBox(8, generate, cancel));

        ScrollPane formScroll = GenerateLayout.formScroll(form);
        VBox top = GenerateLayout.statusArea(vm.runningProperty(), vm.progressProperty(), vm.progressTextProperty(),
                vm.messageProperty());

        Label baseTitle = new Label("Base model");
        VBox base = answerColumn(baseTitle, vm.baseAnswerProperty(), vm.baseStatsProperty(), "base-answer");
        Label adaptedTitle = new Label();
        adaptedTitle.textProperty().bind(vm.adaptedTitleProperty());
        VBox adapted = answerColumn(adaptedTitle, vm.adaptedAnswerProperty(), vm.adaptedStatsProperty(),
                "adapted-answer");
        HBox answers = new HBox(10, base, adapted);
        HBox.setHgrow(base, Priority.ALWAYS);
        HBox.setHgrow(adapted, Priority.ALWAYS);
        answers.setPadding(new Insets(10));
        answers.setId("answers");
        BorderPane right = new BorderPane(answers);
        right.setTop(top);

        SplitPane split = new SplitPane(formScroll, right);
        split.setDividerPositions(0.4);
        SplitPane.setResizableWithParent(formScroll, false);
        return split;
    }

    private static VBox answerColumn(Label title, javafx.beans.property.StringProperty text,
                                     javafx.beans.property.StringProperty stats, String id) {
        title.setStyle("-fx-font-weight: bold;");
        TextArea area = new TextArea();
        area.setId(id);
        area.setEditable(false);
        area.setWrapText(true);
        area.textProperty().bind(text);
        area.setStyle("-fx-font-family: monospace;");
        Label line = new Label();
        line.textProperty().bind(stats);
        line.setWrapText(true);
        line.setStyle("-fx-text-fill: #555;");
        VBox box = new VBox(4, title, area, line);
        VBox.setVgrow(area, Priority.ALWAYS);
        box.setPrefWidth(10); // the two columns share the width equally
        return box;
    }

    private void chooseFolder(String title, String start, java.util.function.Consumer<String> set) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(title);
        File s = start == null || start.isBlank() ? null : new File(start);
        if (s != null && s.isDirectory()) {
            dc.setInitialDirectory(s);
        }
        File f = dc.showDialog(root.getScene().getWindow());
        if (f != null) {
            set.accept(f.getAbsolutePath());
        }
    }

    private Spinner<Integer> intSpinner(int min, int max, int step, ObjectProperty<Integer> value) {
        Spinner<Integer> s = new Spinner<>();
        s.setValueFactory(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, value.get(), step));
        s.setEditable(true);
        s.getValueFactory().valueProperty().bindBidirectional(value);
        keep.add(value);
        return s;
    }

    private Spinner<Double> doubleSpinner(double min, double max, double step, ObjectProperty<Double> value) {
        Spinner<Double> s = new Spinner<>(min, max, value.get(), step);
        s.setEditable(true);
        s.getValueFactory().valueProperty().bindBidirectional(value);
        s.setPrefWidth(90);
        keep.add(value);
        return s;
    }
}
