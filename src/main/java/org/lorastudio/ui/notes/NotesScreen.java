package org.lorastudio.ui.notes;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.runs.RunColumn;
import org.lorastudio.ui.runs.RunRow;

/**
 * The Notes screen (SPEC §7): the run picker, a Markdown editor with a live, sanitised preview, and the
 * template's sections with whether each is filled in. Autosaves (see {@link NotesViewModel}).
 */
public final class NotesScreen implements Screen {
    static final long AUTOSAVE_MS = 1000;
    static final long PREVIEW_MS = 250;

    private final NotesViewModel vm;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> daemon(r, "notes-io"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "notes-timer"));
    private final BorderPane root = new BorderPane();
    private final ComboBox<RunRow> picker = new ComboBox<>();
    private final TextArea editor = new TextArea();
    private final PreviewPane preview = new PreviewPane();
    private boolean syncingPicker;

    public NotesScreen(StudioContext context) {
        vm = new NotesViewModel(context.runsDir(), context.runProperty(), io, Platform::runLater, timer,
                AUTOSAVE_MS, PREVIEW_MS);
        build();
    }

    public NotesViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Notes";
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void onShow() {
        vm.refreshRuns();
    }

    @Override
    public boolean onCloseRequest() {
        vm.saveNow();
        return true;
    }

    TextArea editor() {
        return editor;
    }

    PreviewPane preview() {
        return preview;
    }

    private void build() {
        root.getStylesheets().add(NotesScreen.class.getResource("notes.css").toExternalForm());
        root.getStyleClass().add("notes-screen");

        picker.setItems(vm.runs());
        picker.setId("notes-run");
        picker.setPrefWidth(360);
        picker.setCellFactory(lv -> new RunCell());
        picker.setButtonCell(new RunCell());
        picker.setPromptText("Pick a run");
        picker.valueProperty().addListener((o, a, row) -> {
            if (!syncingPicker && row != null) {
                vm.runProperty().set(row.dir());
            }
        });
        vm.runProperty().addListener((o, a, dir) -> syncPicker(dir));
        vm.runs().addListener((javafx.collections.ListChangeListener<RunRow>) c -> syncPicker(vm.runProperty().get()));

        Button template = new Button("Insert template");
        template.setTooltip(new Tooltip("Fill an empty notes file with the standard sections"));
        template.setOnAction(e -> vm.insertTemplate());
        template.disableProperty().bind(vm.editableProperty().not().or(vm.textProperty().isNotEmpty()));
        Button save = new Button("Save");
        save.setTooltip(new Tooltip("Notes save themselves a second after you stop typing (Ctrl+S saves now)"));
        save.setOnAction(e -> vm.save());
        save.disableProperty().bind(vm.dirtyProperty().not());
        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        status.getStyleClass().add("status");
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox top = new HBox(8, new Label("Run"), picker, template, save, grow, status);
        top.setAlignment(Pos.CENTER_LEFT);
        top.setPadding(new Insets(6, 8, 6, 8));

        editor.textProperty().bindBidirectional(vm.textProperty());
        editor.editableProperty().bind(vm.editableProperty());
        editor.setWrapText(true);
        editor.getStyleClass().add("markdown-editor");
        editor.setId("notes-editor");
        KeyCombination ctrlS = new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN);
        root.setOnKeyPressed(e -> {
            if (ctrlS.match(e)) {
                vm.save();
                e.consume();
            }
        });
        vm.htmlProperty().addListener((o, a, page) -> preview.show(page));

        ListView<NotesSections.Section> sections = new ListView<>(vm.sections());
        sections.setFocusTraversable(false);
        sections.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(NotesSections.Section s, boolean empty) {
                super.updateItem(s, empty);
                getStyleClass().removeAll("filled", "empty", "missing");
                if (empty || s == null) {
                    setText(null);
                    return;
                }
                String mark = switch (s.state()) {
                    case FILLED -> "✓ ";
                    case EMPTY -> "○ ";
                    case MISSING -> "✗ ";
                };
                setText(mark + s.title() + (s.state() == NotesSections.State.MISSING ? " (removed)" : ""));
                getStyleClass().add(s.state().name().toLowerCase(java.util.Locale.ROOT));
            }
        });
        Label sectionsTitle = new Label("Sections");
        sectionsTitle.getStyleClass().add("section-title");
        VBox side = new VBox(4, sectionsTitle, sections);
        VBox.setVgrow(sections, Priority.ALWAYS);
        side.setPadding(new Insets(6));
        side.setPrefWidth(170);
        side.setMinWidth(120);

        SplitPane split = new SplitPane(editor, preview, side);
        split.setDividerPositions(0.45, 0.86);
        SplitPane.setResizableWithParent(side, false);
        root.setTop(top);
        root.setCenter(split);
    }

    private void syncPicker(Path dir) {
        syncingPicker = true;
        try {
            picker.setValue(vm.runs().stream().filter(r -> r.dir().equals(dir)).findFirst().orElse(null));
        } finally {
            syncingPicker = false;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** A run in the picker: name, date and status. */
    private static final class RunCell extends ListCell<RunRow> {
        @Override
        protected void updateItem(RunRow r, boolean empty) {
            super.updateItem(r, empty);
            setText(empty || r == null ? null : r.name() + "  ·  " + RunColumn.DATE.format(r) + "  ·  " + r.status());
        }
    }
}
