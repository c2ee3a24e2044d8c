package org.lorastudio.ui.config;

import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.util.Callback;
import javafx.util.Duration;
import org.controlsfx.validation.Severity;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;
import org.lorastudio.config.ConfigEnum;
import org.lorastudio.config.ConfigField;
import org.lorastudio.config.ConfigPreset;
import org.lorastudio.config.ConfigProblem;
import org.lorastudio.config.Section;
import org.lorastudio.config.ValueType;
import org.lorastudio.ui.common.Messages;

/**
 * The Config screen's controls: a toolbar (open, new from preset, apply preset, save, save as), a Form tab generated
 * from the field descriptors and a YAML tab over the same document, the live step arithmetic and the problem list.
 *
 * <p>The form is a generated {@link GridPane} per section rather than ControlsFX's {@code PropertySheet}: the
 * sheet creates its editors itself, which leaves no handle to register each editor with {@link ValidationSupport},
 * to show/hide keys when {@code model_type} changes, to put the recommended hint under a field, or to give paths a
 * browse button and prompts a multi-line editor.
 */
final class ConfigView {
    private final ConfigViewModel vm;
    private final Path workspace;
    private final BorderPane root = new BorderPane();
    private final TextArea yamlArea = new TextArea();
    private final ValidationSupport validation = new ValidationSupport();
    private final Map<String, Control> editors = new HashMap<>();
    private final TabPane tabs = new TabPane();

    ConfigView(ConfigViewModel vm, Path workspace) {
        this.vm = vm;
        this.workspace = workspace;
        root.getStylesheets().add(ConfigView.class.getResource("/org/lorastudio/ui/studio.css").toExternalForm());
        root.setTop(toolbar());
        Tab form = new Tab("Form", form());
        Tab yaml = new Tab("YAML", yamlPane());
        tabs.getTabs().addAll(form, yaml);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);

        Label steps = new Label();
        steps.textProperty().bind(vm.stepsProperty());
        steps.setWrapText(true);
        steps.setMaxWidth(Double.MAX_VALUE);
        steps.getStyleClass().add("step-arithmetic");
        steps.setId("step-arithmetic");
        Label memory = new Label();
        memory.textProperty().bind(vm.memoryProperty());
        memory.setWrapText(true);
        memory.setMaxWidth(Double.MAX_VALUE);
        memory.getStyleClass().add("step-arithmetic");
        memory.setId("memory-estimate");
        memory.managedProperty().bind(memory.textProperty().isNotEmpty());
        memory.setTooltip(new Tooltip("Estimated before training from the model's shapes and measured CPU peaks "
                + "(docs/performance.md). On a GPU add a few hundred MB for the CUDA context."));
        ListView<ConfigProblem> problems = new ListView<>(vm.problems());
        problems.setCellFactory(l -> new ProblemCell());
        problems.setPlaceholder(new Label("No problems: this config can train."));
        problems.setPrefHeight(110);
        problems.setOnMouseClicked(e -> {
            ConfigProblem p = problems.getSelectionModel().getSelectedItem();
            if (p != null && e.getClickCount() == 2) {
                reveal(p);
            }
        });
        VBox bottom = new VBox(4, steps, memory, problems);
        bottom.setPadding(new Insets(4, 6, 6, 6));
        SplitPane split = new SplitPane(tabs, bottom);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.78);
        root.setCenter(split);
        validation.setErrorDecorationEnabled(true);
        vm.setErrorHandler(m -> Messages.showError(root, "Config", m));
        root.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.S) {
                save();
                e.consume();
            }
        });
    }

    Node root() {
        return root;
    }

    Control editor(String key) {
        return editors.get(key);
    }

    TextArea yamlArea() {
        return yamlArea;
    }

    TabPane tabs() {
        return tabs;
    }

    // ---- toolbar ------------------------------------------------------------------------------------------------

    private Node toolbar() {
        ComboBox<Path> files = new ComboBox<>(vm.configFiles());
        files.setPromptText("Open a config");
        files.setPrefWidth(260);
        files.setId("config-files");
        files.setCellFactory(l -> new FileCell());
        files.setButtonCell(new FileCell());
        files.setOnAction(e -> {
            Path p = files.getValue();
            if (p != null && !p.equals(vm.fileProperty().get()) && confirmDiscard()) {
                vm.open(p);
            }
        });
        vm.fileProperty().addListener((obs, a, b) -> files.setValue(b));
        Button open = new Button("Open…");
        open.setOnAction(e -> {
            FileChooser chooser = yamlChooser("Open a config");
            File f = chooser.showOpenDialog(root.getScene().getWindow());
            if (f != null && confirmDiscard()) {
                vm.open(f.toPath());
            }
        });
        MenuButton newFrom = new MenuButton("New from preset");
        MenuButton apply = new MenuButton("Apply preset");
        apply.setId("apply-preset");
        for (ConfigPreset p : vm.presets()) {
            MenuItem n = new MenuItem(p.title());
            n.setOnAction(e -> newConfig(p));
            newFrom.getItems().add(n);
            MenuItem a = new MenuItem(p.title());
            a.setOnAction(e -> vm.applyPreset(p));
            apply.getItems().add(a);
        }
        apply.setTooltip(new Tooltip("Sets the preset's keys in this config; everything else stays as it is"));
        Button save = new Button("Save");
        save.setOnAction(e -> save());
        save.setTooltip(new Tooltip("Save (Ctrl+S), atomically"));
        save.setId("config-save");
        Button saveAs = new Button("Save as…");
        saveAs.setOnAction(e -> saveAs());
        Label state = new Label();
        state.textProperty().bind(Bindings.concat(vm.titleProperty(),
                Bindings.when(vm.dirtyProperty()).then(" — unsaved changes").otherwise("")));
        state.getStyleClass().add("muted");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return new ToolBar(files, open, newFrom, apply, save, saveAs, spacer, state);
    }

    private FileChooser yamlChooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("YAML config", "*.yaml", "*.yml"));
        File dir = workspace.resolve("configs").toFile();
        if (dir.isDirectory()) {
            chooser.setInitialDirectory(dir);
        }
        return chooser;
    }

    private void newConfig(ConfigPreset preset) {
        if (!confirmDiscard()) {
            return;
        }
        TextInputDialog ask = new TextInputDialog("my_lora");
        ask.setHeaderText("Name of the new experiment (used in run and LoRA file names)");
        ask.setTitle("New config from \"" + preset.title() + "\"");
        Optional<String> name = ask.showAndWait();
        name.filter(n -> !n.isBlank()).ifPresent(n -> vm.newFromPreset(preset, n.strip(),
                workspace.resolve("datasets").resolve("demo")));
    }

    private void save() {
        if (vm.fileProperty().get() == null) {
            saveAs();
            return;
        }
        vm.save(false, () -> {
            Alert ask = new Alert(Alert.AlertType.CONFIRMATION, vm.fileProperty().get().getFileName()
                    + " was changed by another program since it was opened. Overwrite it with this version?",
                    ButtonType.CANCEL, ButtonType.OK);
            ask.setHeaderText("The file changed on disk");
            if (ask.showAndWait().orElse(ButtonType.CANCEL) == ButtonType.OK) {
                vm.save(true, () -> { });
            }
        });
    }

    private void saveAs() {
        FileChooser chooser = yamlChooser("Save config as");
        chooser.setInitialFileName(Optional.ofNullable(vm.field("name").textProperty().get())
                .filter(s -> !s.isBlank()).orElse("config") + ".yaml");
        File f = chooser.showSaveDialog(root.getScene().getWindow());
        if (f != null) {
            vm.saveAs(f.toPath());
        }
    }

    private boolean confirmDiscard() {
        if (!vm.dirtyProperty().get()) {
            return true;
        }
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, "This config has unsaved changes. Discard them?",
                ButtonType.CANCEL, ButtonType.OK);
        ask.setHeaderText("Unsaved changes");
        return ask.showAndWait().orElse(ButtonType.CANCEL) == ButtonType.OK;
    }

    // ---- form ---------------------------------------------------------------------------------------------------

    private Node form() {
        VBox sections = new VBox(6);
        sections.setPadding(new Insets(6));
        for (Section s : Section.values()) {
            List<ConfigViewModel.FieldModel> models = vm.fields().stream().filter(m -> m.field().section() == s)
                    .toList();
            if (models.isEmpty()) {
                continue;
            }
            GridPane grid = new GridPane();
            grid.setHgap(10);
            grid.setVgap(2);
            grid.getStyleClass().add("grid");
            ColumnConstraints labels = new ColumnConstraints(200);
            ColumnConstraints values = new ColumnConstraints();
            values.setHgrow(Priority.ALWAYS);
            values.setFillWidth(true);
            grid.getColumnConstraints().addAll(labels, values);
            int row = 0;
            for (ConfigViewModel.FieldModel m : models) {
                row = addField(grid, row, m);
            }
            TitledPane pane = new TitledPane(s.title() + " — " + s.description(), grid);
            pane.getStyleClass().add("form-section");
            pane.setExpanded(s.ordinal() <= Section.SAMPLING.ordinal());
            boolean anyVisible = models.stream().anyMatch(m -> m.visibleProperty().get());
            pane.setVisible(anyVisible);
            pane.setManaged(anyVisible);
            for (ConfigViewModel.FieldModel m : models) {
                m.visibleProperty().addListener((obs, a, b) -> {
                    boolean any = models.stream().anyMatch(x -> x.visibleProperty().get());
                    pane.setVisible(any);
                    pane.setManaged(any);
                });
            }
            sections.getChildren().add(pane);
        }
        ScrollPane scroll = new ScrollPane(sections);
        scroll.setFitToWidth(true);
        return scroll;
    }

    private int addField(GridPane grid, int row, ConfigViewModel.FieldModel m) {
        ConfigField f = m.field();
        Label label = new Label(f.key());
        label.getStyleClass().add("field-label");
        m.explicitProperty().addListener((obs, a, b) -> styleExplicit(label, b));
        styleExplicit(label, m.explicitProperty().get());
        Control editor = editor(m);
        editor.setId("field-" + f.key());
        editors.put(f.key(), editor);
        Tooltip tip = new Tooltip(tooltip(f));
        tip.setWrapText(true);
        tip.setMaxWidth(480);
        tip.setShowDuration(Duration.seconds(30));
        label.setTooltip(tip);
        editor.setTooltip(tip);
        Node field = editor;
        if (f.type() instanceof ValueType.PathType) {
            Button browse = new Button("…");
            browse.setTooltip(new Tooltip("Choose " + (f.key().equals("metadata_path") ? "a file" : "a folder")));
            browse.setOnAction(e -> browse(f, (TextField) editor));
            HBox box = new HBox(4, editor, browse);
            HBox.setHgrow(editor, Priority.ALWAYS);
            field = box;
        }
        Label hint = new Label(hintLine(f));
        hint.getStyleClass().add("field-hint");
        hint.setWrapText(true);
        grid.add(label, 0, row);
        grid.add(field, 1, row);
        grid.add(hint, 1, row + 1);
        GridPane.setMargin(hint, new Insets(0, 0, 6, 0));
        for (Node n : List.of(label, field, hint)) {
            n.visibleProperty().bind(m.visibleProperty());
            n.managedProperty().bind(m.visibleProperty());
        }
        validation.registerValidator(editor, false, (Control c, Object value) -> {
            String problem = m.problemProperty().get();
            return ValidationResult.fromMessageIf(c, problem == null ? "" : problem,
                    m.errorProperty().get() ? Severity.ERROR : Severity.WARNING, problem != null);
        });
        m.problemProperty().addListener((obs, a, b) -> validation.revalidate(editor));
        m.errorProperty().addListener((obs, a, b) -> validation.revalidate(editor));
        return row + 2;
    }

    private static void styleExplicit(Label label, boolean explicit) {
        label.getStyleClass().remove("field-explicit");
        if (explicit) {
            label.getStyleClass().add("field-explicit");
        }
    }

    private Control editor(ConfigViewModel.FieldModel m) {
        ConfigField f = m.field();
        ValueType type = f.type();
        String prompt = "default: " + f.defaultText();
        if (type instanceof ValueType.BoolType) {
            CheckBox box = new CheckBox();
            Runnable load = () -> {
                String t = m.textProperty().get();
                box.setSelected(t.isEmpty() ? Boolean.TRUE.equals(f.defaultValue()) : t.equals("true"));
            };
            load.run();
            m.textProperty().addListener((obs, a, b) -> load.run());
            box.selectedProperty().addListener((obs, a, b) -> {
                String now = String.valueOf(b);
                if (!now.equals(m.textProperty().get()) && !(m.textProperty().get().isEmpty()
                        && b.equals(f.defaultValue()))) {
                    m.textProperty().set(now);
                }
            });
            return box;
        }
        if (type instanceof ValueType.ChoiceType<?> choice) {
            ComboBox<String> combo = new ComboBox<>();
            combo.getItems().add("");
            for (Object v : choice.values()) {
                combo.getItems().add(((ConfigEnum) v).yamlName());
            }
            combo.setPromptText(prompt);
            Callback<ListView<String>, ListCell<String>> cells = l -> new ListCell<>() {
                @Override
                protected void updateItem(String item, boolean empty) {
                    super.updateItem(item, empty);
                    setText(empty || item == null ? null : item.isEmpty() ? "(default: " + f.defaultText() + ")"
                            : item);
                }
            };
            combo.setCellFactory(cells);
            combo.setButtonCell(cells.call(null));
            combo.valueProperty().bindBidirectional(m.textProperty());
            return combo;
        }
        if (type instanceof ValueType.ListType && m.linePerItem()) {
            TextArea area = new TextArea();
            area.setPrefRowCount(3);
            area.setPromptText("one per line; " + prompt);
            area.textProperty().bindBidirectional(m.textProperty());
            return area;
        }
        TextField text = new TextField();
        text.setPromptText(type instanceof ValueType.ListType ? "comma-separated; " + prompt : prompt);
        text.textProperty().bindBidirectional(m.textProperty());
        return text;
    }

    private void browse(ConfigField f, TextField field) {
        File chosen;
        if (f.key().equals("metadata_path") || f.key().equals("base_model") && !field.getText().isBlank()
                && field.getText().endsWith(".safetensors")) {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Choose " + f.key());
            chosen = chooser.showOpenDialog(root.getScene().getWindow());
        } else {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Choose " + f.key());
            chosen = chooser.showDialog(root.getScene().getWindow());
        }
        if (chosen != null) {
            field.setText(chosen.getAbsolutePath());
        }
    }

    static String tooltip(ConfigField f) {
        StringBuilder sb = new StringBuilder(f.key()).append('\n').append(f.description());
        f.hintText().ifPresent(h -> sb.append("\nRecommended: ").append(h));
        sb.append("\nAllowed: ").append(f.type().rule());
        f.unitText().ifPresent(u -> sb.append(" (").append(u).append(')'));
        sb.append("\nDefault: ").append(f.defaultText());
        return sb.toString();
    }

    private static String hintLine(ConfigField f) {
        String description = f.description();
        int dot = description.indexOf(". ");
        String first = dot > 0 ? description.substring(0, dot + 1) : description;
        return first + f.hintText().map(h -> "  Recommended: " + h).orElse("");
    }

    private Node yamlPane() {
        yamlArea.getStyleClass().add("yaml-text");
        yamlArea.setId("yaml-text");
        yamlArea.textProperty().bindBidirectional(vm.yamlProperty());
        Label note = new Label("Edits here and in the form change the same document; comments and keys the form "
                + "does not know are kept.");
        note.getStyleClass().add("muted");
        note.setPadding(new Insets(4, 6, 4, 6));
        BorderPane pane = new BorderPane(yamlArea);
        pane.setTop(note);
        return pane;
    }

    private void reveal(ConfigProblem p) {
        Control editor = editors.get(p.key());
        if (editor != null && editor.isVisible()) {
            tabs.getSelectionModel().select(0);
            editor.requestFocus();
        } else if (p.line() > 0) {
            tabs.getSelectionModel().select(1);
            String text = yamlArea.getText();
            int pos = 0;
            for (int i = 1; i < p.line() && pos >= 0; i++) {
                pos = text.indexOf('\n', pos) + 1;
            }
            yamlArea.requestFocus();
            yamlArea.positionCaret(Math.max(0, pos));
        }
    }

    private static final class ProblemCell extends ListCell<ConfigProblem> {
        @Override
        protected void updateItem(ConfigProblem item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("problem-error", "problem-warning");
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText((item.isError() ? "Error: " : "Warning: ") + item.text());
            getStyleClass().add(item.isError() ? "problem-error" : "problem-warning");
        }
    }

    private static final class FileCell extends ListCell<Path> {
        @Override
        protected void updateItem(Path item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.getParent().getFileName() + "/" + item.getFileName());
        }
    }
}
