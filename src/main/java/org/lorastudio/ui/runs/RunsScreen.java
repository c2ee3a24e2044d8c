package org.lorastudio.ui.runs;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/**
 * The Runs screen (SPEC §7): a sortable table of every run with open notes, open folder, fork with changes,
 * resume, export and delete. The View only lays out and asks; {@link RunsViewModel} does the work.
 */
public final class RunsScreen implements Screen {
    private final StudioContext context;
    private final RunsViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<RunRow> table = new TableView<>();
    private FolderWatcher watcher;

    public RunsScreen(StudioContext context) {
        this.context = context;
        this.vm = new RunsViewModel(context.runsDir(), context.runProperty(), context.background(),
                Platform::runLater);
        vm.messageProperty().addListener((o, a, b) -> context.statusProperty().set(b));
        build();
    }

    /** The view model, for the shell to connect {@code onOpenNotes} (switch tab) and {@code onResume}. */
    public RunsViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Runs";
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void onShow() {
        vm.refresh();
        if (watcher == null) {
            watcher = FolderWatcher.start(vm.runsDir(), () -> Platform.runLater(vm::refresh));
        }
    }

    @Override
    public boolean onCloseRequest() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        return true;
    }

    TableView<RunRow> table() {
        return table;
    }

    private void build() {
        root.getStylesheets().add(RunsScreen.class.getResource("runs.css").toExternalForm());
        root.getStyleClass().add("runs-screen");

        for (RunColumn c : RunColumn.values()) {
            TableColumn<RunRow, Object> col = new TableColumn<>(c.title());
            col.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(c.value(d.getValue())));
            col.setComparator(c.comparator());
            col.setCellFactory(x -> new TableCell<>() {
                @Override
                protected void updateItem(Object item, boolean empty) {
                    super.updateItem(item, empty);
                    RunRow row = empty || getTableRow() == null ? null : getTableRow().getItem();
                    setText(row == null ? null : c.format(row));
                }
            });
            if (c.numeric()) {
                col.setStyle("-fx-alignment: CENTER-RIGHT;");
            }
            col.setPrefWidth(switch (c) {
                case NAME -> 220;
                case DATE -> 130;
                case STATUS -> 95;
                case STEPS, DURATION -> 110; // "12000/12000", "1h 40m 30s" fit
                default -> 80;
            });
            col.setId("col-" + c.name().toLowerCase(Locale.ROOT));
            table.getColumns().add(col);
        }

        TextField filter = new TextField();
        filter.setPromptText("Filter by name, id or status");
        filter.setPrefColumnCount(22);
        FilteredList<RunRow> filtered = new FilteredList<>(vm.rows());
        filter.textProperty().addListener((o, a, text) -> {
            String t = text.strip().toLowerCase(Locale.ROOT);
            filtered.setPredicate(t.isEmpty() ? null : r -> (r.name() + " " + r.id() + " " + r.status())
                    .toLowerCase(Locale.ROOT).contains(t));
        });
        SortedList<RunRow> sorted = new SortedList<>(filtered);
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.setId("runs-table");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE); // Compare takes 2-4 runs
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.when(vm.loadingProperty()).then("Reading the runs folder …")
                .otherwise("No runs yet in " + vm.runsDir() + ".\nTrain one on the Train tab, or copy run folders "
                        + "here."));
        table.setPlaceholder(placeholder);
        table.setRowFactory(t -> {
            TableRow<RunRow> row = new TableRow<>() {
                @Override
                protected void updateItem(RunRow item, boolean empty) {
                    super.updateItem(item, empty);
                    getStyleClass().removeAll("unreadable", "status-failed", "status-running");
                    setTooltip(null);
                    if (item != null && !empty) {
                        if (!item.readable()) {
                            getStyleClass().add("unreadable");
                        } else if (item.status().equals("failed")) {
                            getStyleClass().add("status-failed");
                        } else if (item.status().equals("running")) {
                            getStyleClass().add("status-running");
                        }
                        String tip = item.id() + (item.parentId() == null ? "" : "\nforked from " + item.parentId())
                                + (item.problem() == null ? "" : "\n" + item.problem());
                        setTooltip(new Tooltip(tip));
                    }
                }
            };
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    vm.openNotes(row.getItem());
                }
            });
            return row;
        });

        BooleanBinding none = table.getSelectionModel().selectedItemProperty().isNull();
        BooleanBinding unreadable = Bindings.createBooleanBinding(() -> selected().map(r -> !r.readable())
                .orElse(true), table.getSelectionModel().selectedItemProperty());

        Button refresh = button("Refresh", "Reread the runs folder (F5)", vm::refresh);
        refresh.disableProperty().bind(vm.loadingProperty());
        Button notes = button("Open notes", "Edit this run's notes.md (Enter, or double-click a row)",
                () -> selected().ifPresent(vm::openNotes));
        notes.disableProperty().bind(unreadable);
        Button folder = button("Open folder", "Show the run folder in the file manager", this::openFolder);
        folder.disableProperty().bind(none);
        Button fork = button("Fork…", "A new run with this run's config and the changes you type", this::fork);
        fork.setId("fork-button");
        fork.disableProperty().bind(unreadable);
        Button resume = button("Resume", "", () -> selected().ifPresent(vm::resume));
        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> !vm.canResume(selected().orElse(null)),
                table.getSelectionModel().selectedItemProperty(), vm.onResumeProperty()));
        Tooltip resumeTip = new Tooltip();
        resumeTip.textProperty().bind(Bindings.createStringBinding(() -> vm.onResumeProperty().get() == null
                ? "Resume needs the trainer, which is not connected yet"
                : "Continue a stopped or failed run from its last checkpoint", vm.onResumeProperty()));
        resume.setTooltip(resumeTip);
        // a disabled button shows no tooltip; wrap it so the reason is still readable on hover
        HBox resumeBox = new HBox(resume);
        Tooltip.install(resumeBox, resumeTip);
        Button compare = button("Compare", "Compare the 2-4 selected runs (Ctrl+click or Shift+click to pick them)",
                () -> vm.compare(List.copyOf(table.getSelectionModel().getSelectedItems())));
        compare.setId("compare-button");
        compare.disableProperty().bind(Bindings.createBooleanBinding(() -> !vm.canCompare(
                table.getSelectionModel().getSelectedItems()), table.getSelectionModel().getSelectedItems(),
                vm.onCompareProperty()));
        Button export = button("Export…", "Save the run folder as a .zip", this::export);
        export.disableProperty().bind(none);
        Button delete = button("Delete…", "Move the run folder to the workspace's .trash (Delete)", this::delete);
        delete.setId("delete-button");
        delete.disableProperty().bind(none);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ToolBar bar = new ToolBar(refresh, notes, folder, fork, resumeBox, compare, export, delete, spacer, filter);

        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                selected().ifPresent(vm::openNotes);
            } else if (e.getCode() == KeyCode.DELETE) {
                delete();
            } else if (e.getCode() == KeyCode.F5) {
                vm.refresh();
            }
        });
        ContextMenu menu = new ContextMenu(item("Open notes", () -> selected().ifPresent(vm::openNotes)),
                item("Open folder", this::openFolder), item("Fork with changes…", this::fork),
                item("Export…", this::export), item("Delete…", this::delete));
        table.setContextMenu(menu);

        Label message = new Label();
        message.textProperty().bind(vm.messageProperty());
        message.getStyleClass().add("message");
        Label count = new Label();
        count.textProperty().bind(Bindings.createStringBinding(() -> sorted.size() + " of " + vm.rows().size()
                + " runs", sorted, vm.rows()));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox footer = new HBox(8, message, grow, count);
        footer.setAlignment(Pos.CENTER_LEFT);
        footer.setPadding(new Insets(4, 8, 4, 8));

        root.setTop(bar);
        root.setCenter(table);
        root.setBottom(footer);
    }

    private Optional<RunRow> selected() {
        return Optional.ofNullable(table.getSelectionModel().getSelectedItem());
    }

    private static Button button(String text, String tip, Runnable action) {
        Button b = new Button(text);
        if (!tip.isEmpty()) {
            b.setTooltip(new Tooltip(tip));
        }
        b.setOnAction(e -> action.run());
        return b;
    }

    private static MenuItem item(String text, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setOnAction(e -> action.run());
        return m;
    }

    private void openFolder() {
        selected().ifPresent(r -> {
            Path dir = r.dir();
            // Desktop.open blocks on some desktops and is missing when headless: off the FX thread, guarded
            context.background().execute(() -> {
                try {
                    if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                            && Desktop.getDesktop().isSupported(Desktop.Action.OPEN)) {
                        Desktop.getDesktop().open(dir.toFile());
                        return;
                    }
                } catch (IOException | UnsupportedOperationException | SecurityException e) {
                    // fall through to showing the path
                }
                Platform.runLater(() -> vm.messageProperty().set("Run folder: " + dir));
            });
        });
    }

    private void fork() {
        selected().filter(RunRow::readable).ifPresent(r -> {
            Dialog<String> d = new Dialog<>();
            d.setTitle("Fork " + r.name());
            d.setHeaderText("A new run with the config of " + r.id() + ", changed by these lines.\n"
                    + "One key=value per line (top-level keys, YAML values), for example lora_rank=16.");
            TextArea lines = new TextArea("name=" + r.name() + "-fork\n"
                    + (r.learningRate() == null ? "" : "learning_rate=" + r.learningRate() + "\n"));
            lines.setPrefRowCount(8);
            lines.setId("fork-lines");
            d.getDialogPane().setContent(lines);
            d.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
            d.setResultConverter(b -> b == ButtonType.OK ? lines.getText() : null);
            initOwner(d);
            d.showAndWait().ifPresent(text -> vm.fork(r, text));
        });
    }

    private void export() {
        selected().ifPresent(r -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Export " + r.id());
            fc.setInitialFileName(r.id() + ".zip");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Zip archive", "*.zip"));
            File f = fc.showSaveDialog(root.getScene() == null ? null : root.getScene().getWindow());
            if (f != null) {
                vm.export(r, f.toPath());
            }
        });
    }

    private void delete() {
        selected().ifPresent(r -> {
            Alert a = new Alert(Alert.AlertType.CONFIRMATION, "Move run " + r.id() + " to " + vm.trashDir()
                    + "?\nIt disappears from the studio; empty the trash folder to free the disk space.",
                    ButtonType.OK, ButtonType.CANCEL);
            a.setHeaderText("Delete " + r.name() + "?");
            initOwner(a);
            if (a.showAndWait().filter(b -> b == ButtonType.OK).isPresent()) {
                vm.delete(r);
            }
        });
    }

    private void initOwner(Dialog<?> d) {
        if (root.getScene() != null && root.getScene().getWindow() != null) {
            d.initOwner(root.getScene().getWindow());
        }
    }
}
