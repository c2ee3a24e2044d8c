package org.lorastudio.ui.datasets;

import java.io.File;
import java.nio.file.Path;
import java.util.function.Consumer;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.IndexedCell;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.util.Duration;
import org.controlsfx.control.GridView;
import org.controlsfx.control.textfield.CustomTextField;
import org.controlsfx.control.textfield.TextFields;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.TagEdit;
import org.lorastudio.ui.common.Messages;

import impl.org.controlsfx.skin.GridViewSkin;

/**
 * The Datasets screen's controls over a {@link DatasetsViewModel}: folder chooser and filters on top, the
 * thumbnail grid on the left, the caption editor (text, tag chips, batch edits, tag frequencies) on the right.
 * Keys: arrows move between images when the grid has focus, Ctrl+S saves, Ctrl+Z / Ctrl+Y undo and redo the
 * caption, Ctrl+A in the grid selects every shown image.
 */
final class DatasetsView {
    /** Thumbnail side in the grid, in pixels. */
    static final double CELL_SIDE = 128;
    /** Autosave period. */
    static final Duration AUTOSAVE = Duration.seconds(5);

    private final DatasetsViewModel vm;
    private final ThumbnailLoader thumbnails;
    private final BorderPane root = new BorderPane();
    private final GridView<ImageEntry> grid;
    private final TextArea caption = new TextArea();
    private final FlowPane chips = new FlowPane(6, 6);
    private final Timeline autosave;

    DatasetsView(DatasetsViewModel vm, ThumbnailLoader thumbnails) {
        this.vm = vm;
        this.thumbnails = thumbnails;
        root.getStyleClass().add("datasets-screen");
        root.getStylesheets().add(DatasetsView.class.getResource("/org/lorastudio/ui/studio.css").toExternalForm());
        grid = new GridView<>(vm.visible());
        grid.setCellWidth(CELL_SIDE + 8);
        grid.setCellHeight(CELL_SIDE + 26);
        grid.setHorizontalCellSpacing(6);
        grid.setVerticalCellSpacing(6);
        grid.setCellFactory(g -> new ImageCell(vm, thumbnails, CELL_SIDE));
        grid.setFocusTraversable(true);
        grid.getStyleClass().add("thumb-grid");
        grid.setId("thumb-grid");
        // Every row has the same height; telling the flow so spares it measuring rows (which filled a hidden
        // measuring row with cells, and so with thumbnail requests) on every layout while scrolling.
        grid.skinProperty().addListener((obs, a, b) -> {
            VirtualFlow<?> flow = flow();
            if (flow != null) {
                flow.setFixedCellSize(grid.getCellHeight() + 2 * grid.getVerticalCellSpacing());
            }
        });

        root.setTop(toolbar());
        SplitPane split = new SplitPane(gridPane(), editor());
        split.setDividerPositions(0.6);
        root.setCenter(split);
        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        status.getStyleClass().add("screen-status");
        status.setPadding(new Insets(3, 8, 3, 8));
        root.setBottom(status);

        vm.setErrorHandler(message -> Messages.showError(root, "Datasets", message));
        vm.currentProperty().addListener((obs, a, b) -> scrollTo(b));
        root.addEventFilter(KeyEvent.KEY_PRESSED, this::keys);
        root.addEventFilter(KeyEvent.KEY_PRESSED, e -> vm.noteUserActivity());
        grid.addEventFilter(javafx.scene.input.ScrollEvent.ANY, e -> vm.noteUserActivity());
        autosave = new Timeline(new KeyFrame(AUTOSAVE, e -> vm.saveAll()));
        autosave.setCycleCount(Timeline.INDEFINITE);
        autosave.play();
    }

    Node root() {
        return root;
    }

    GridView<ImageEntry> grid() {
        return grid;
    }

    TextArea captionArea() {
        return caption;
    }

    void stop() {
        autosave.stop();
    }

    // ---- layout -------------------------------------------------------------------------------------------------

    private Node toolbar() {
        ComboBox<Path> folders = new ComboBox<>(vm.folders());
        folders.setPromptText("Choose a dataset");
        folders.setId("dataset-folders");
        folders.setCellFactory(l -> new PathCell());
        folders.setButtonCell(new PathCell());
        folders.setPrefWidth(180);
        Runnable showRoot = () -> {
            Path b = vm.rootProperty().get();
            if (b != null && !b.equals(folders.getValue())) {
                folders.setValue(vm.folders().contains(b) ? b : null);
            }
        };
        vm.rootProperty().addListener((obs, a, b) -> showRoot.run());
        // the folder list may arrive after the dataset opened
        // (after the combo box has taken in the new items itself)
        vm.folders().addListener((ListChangeListener<Path>) c -> javafx.application.Platform.runLater(showRoot));
        folders.setOnAction(e -> {
            Path p = folders.getValue();
            if (p != null && !p.equals(vm.rootProperty().get())) {
                vm.open(p);
            }
        });
        Button openFolder = new Button("Open folder…");
        openFolder.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a dataset folder");
            File dir = chooser.showDialog(root.getScene().getWindow());
            if (dir != null) {
                vm.open(dir.toPath());
            }
        });
        CustomTextField search = (CustomTextField) TextFields.createClearableTextField();
        search.setPromptText("Search names and captions, or tag:neon lights");
        search.setPrefColumnCount(24);
        search.setId("dataset-search");
        search.textProperty().bindBidirectional(vm.searchProperty());
        ToggleButton missing = toggle("No caption", "Only images without a caption", vm.missingCaptionOnlyProperty());
        ToggleButton small = toggle("Too small", "Only images with a side below the training resolution",
                vm.tooSmallOnlyProperty());
        small.textProperty().bind(Bindings.concat("Below ", vm.minSideProperty(), " px"));
        ToggleButton problems = toggle("Problems", "Only images the check reported", vm.problemsOnlyProperty());
        ProgressBar check = new ProgressBar();
        check.setPrefWidth(120);
        check.progressProperty().bind(vm.checkProgressProperty());
        check.visibleProperty().bind(vm.checkProgressProperty().greaterThanOrEqualTo(0));
        check.managedProperty().bind(check.visibleProperty());
        check.setTooltip(new Tooltip("Checking every image (decoding, duplicates, sizes) in the background"));
        Label checking = new Label("Checking…");
        checking.visibleProperty().bind(check.visibleProperty());
        checking.managedProperty().bind(check.visibleProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        return new ToolBar(new Label("Dataset"), folders, openFolder, new Separator(Orientation.VERTICAL), search,
                missing, small, problems, lossSortBox(), spacer, checking, check);
    }

    /** Sort by the per-image loss of a run of this folder (issue 16); the empty choice is name order. */
    private Node lossSortBox() {
        javafx.scene.control.ComboBox<Path> runs = new javafx.scene.control.ComboBox<>();
        runs.setId("dataset-loss-sort");
        runs.setPromptText("Sort: name");
        runs.setTooltip(new Tooltip("Sort by each image's mean loss in a run on this folder, highest first"));
        runs.getItems().add(null);
        vm.lossSort().runs().addListener((ListChangeListener<Path>) c -> {
            runs.getItems().setAll(new java.util.ArrayList<>(java.util.Collections.singletonList(null)));
            runs.getItems().addAll(vm.lossSort().runs());
        });
        runs.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "Sort: name" : "Loss in " + p.getFileName();
            }

            @Override
            public Path fromString(String s) {
                return null;
            }
        });
        runs.valueProperty().bindBidirectional(vm.lossSort().runProperty());
        return runs;
    }

    private static ToggleButton toggle(String text, String tip, javafx.beans.property.BooleanProperty property) {
        ToggleButton b = new ToggleButton(text);
        b.setTooltip(new Tooltip(tip));
        b.selectedProperty().bindBidirectional(property);
        return b;
    }

    private Node gridPane() {
        Label empty = new Label();
        empty.getStyleClass().add("placeholder");
        empty.textProperty().bind(Bindings.when(vm.busyProperty()).then("Scanning…")
                .otherwise(Bindings.when(vm.rootProperty().isNull()).then("Choose a dataset folder above")
                        .otherwise("No image matches the filters")));
        empty.visibleProperty().bind(Bindings.isEmpty(vm.visible()));
        empty.setMouseTransparent(true);
        return new javafx.scene.layout.StackPane(grid, empty);
    }

    private Node editor() {
        Label name = new Label();
        name.getStyleClass().add("editor-title");
        Label info = new Label();
        info.getStyleClass().add("muted");
        Label problems = new Label();
        problems.getStyleClass().add("problem-text");
        problems.setWrapText(true);
        javafx.beans.InvalidationListener showProblems = o -> {
            ImageEntry e = vm.current();
            problems.setText(e == null ? "" : String.join("\n", e.problems().stream()
                    .map(DatasetProblem::message).toList()));
        };
        vm.currentProperty().addListener((obs, a, e) -> {
            name.setText(e == null ? "No image selected" : e.name());
            info.setText(e == null ? "" : e.size().map(Object::toString).orElse("size unknown"));
            if (a != null) {
                a.problemsProperty().removeListener(showProblems);
            }
            if (e != null) {
                e.problemsProperty().addListener(showProblems);
            }
            showProblems.invalidated(null);
        });
        name.setText("No image selected");

        HBox conflictBar = conflictBar();

        caption.setWrapText(true);
        caption.setPrefRowCount(4);
        caption.setId("caption-editor");
        caption.setPromptText("Caption: concrete, sensory words, comma-separated tags");
        caption.textProperty().bindBidirectional(vm.editorTextProperty());
        caption.disableProperty().bind(vm.currentProperty().isNull());
        Label tokens = new Label();
        tokens.textProperty().bind(vm.tokenTextProperty());
        tokens.getStyleClass().add("muted");
        vm.overTokenLimitProperty().addListener((obs, a, over) -> {
            tokens.getStyleClass().remove("over-limit");
            if (over) {
                tokens.getStyleClass().add("over-limit");
            }
        });
        tokens.setTooltip(new Tooltip("CLIP reads at most 75 tokens of a caption; the rest is cut off"));
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        Label loss = new Label();
        loss.setId("caption-run-loss");
        loss.getStyleClass().add("muted");
        Runnable showLoss = () -> loss.setText(vm.currentProperty().get() == null ? ""
                : vm.lossSort().label(vm.currentProperty().get()));
        vm.currentProperty().addListener((obs, a, b) -> showLoss.run());
        vm.lossSort().lossesProperty().addListener((obs, a, b) -> showLoss.run());
        HBox captionHead = new HBox(6, sectionLabel("Caption"), loss, grow, tokens);

        chips.getStyleClass().add("chips");
        vm.tags().addListener((ListChangeListener<String>) c -> rebuildChips());
        TextField tagInput = new TextField();
        tagInput.setPromptText("Add a tag (Enter)");
        tagInput.setId("tag-input");
        TextFields.bindAutoCompletion(tagInput, req -> vm.suggest(req.getUserText()));
        Consumer<TextField> addTag = f -> {
            String t = f.getText();
            if (t != null && !t.isBlank()) {
                guarded(() -> vm.addTag(t));
                f.clear();
            }
        };
        tagInput.setOnAction(e -> addTag.accept(tagInput));
        Button add = new Button("Add");
        add.setOnAction(e -> addTag.accept(tagInput));
        HBox.setHgrow(tagInput, Priority.ALWAYS);
        HBox tagRow = new HBox(6, tagInput, add);
        tagRow.disableProperty().bind(vm.currentProperty().isNull());

        Button undo = new Button("Undo");
        undo.setTooltip(new Tooltip("Undo the last change of this caption (Ctrl+Z)"));
        undo.disableProperty().bind(vm.canUndoProperty().not());
        undo.setOnAction(e -> vm.undo());
        Button redo = new Button("Redo");
        redo.setTooltip(new Tooltip("Redo (Ctrl+Y)"));
        redo.disableProperty().bind(vm.canRedoProperty().not());
        redo.setOnAction(e -> vm.redo());
        Button save = new Button("Save");
        save.setTooltip(new Tooltip("Save this caption now (Ctrl+S); edits are also saved when you move to another "
                + "image, every few seconds and on close"));
        save.setOnAction(e -> vm.save());
        save.setId("caption-save");
        HBox actions = new HBox(6, undo, redo, save);

        VBox top = new VBox(6, new VBox(2, name, info, problems), conflictBar, captionHead, caption,
                sectionLabel("Tags"), chips, tagRow, actions);
        top.setPadding(new Insets(8));

        TitledPane batch = new TitledPane("", batchPane());
        batch.textProperty().bind(Bindings.createStringBinding(() -> "Batch edit: " + Math.max(1,
                vm.selection().size()) + " selected (Ctrl+click, Shift+click, Ctrl+A)", vm.selection()));
        batch.setExpanded(true);
        TitledPane freq = new TitledPane("Tag frequency", frequencyTable());
        freq.setMaxHeight(Double.MAX_VALUE);
        VBox.setVgrow(freq, Priority.ALWAYS);
        VBox box = new VBox(4, top, batch, freq);
        box.setMinWidth(320);
        box.getStyleClass().add("caption-editor-pane");
        return box;
    }

    private HBox conflictBar() {
        Label text = new Label();
        text.setWrapText(true);
        Button reload = new Button("Use the file's caption");
        Button overwrite = new Button("Keep mine (overwrite)");
        HBox bar = new HBox(8, text, reload, overwrite);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("conflict-bar");
        bar.setPadding(new Insets(6));
        Runnable refresh = () -> {
            boolean any = !vm.conflicts().isEmpty();
            bar.setVisible(any);
            bar.setManaged(any);
            if (any) {
                DatasetsViewModel.Conflict c = vm.conflicts().get(0);
                text.setText(c.entry().name() + ": the caption file changed on disk since it was loaded"
                        + (c.diskText() == null ? " (it was deleted)" : "") + ". Your edit was not saved.");
            }
        };
        vm.conflicts().addListener((ListChangeListener<DatasetsViewModel.Conflict>) c -> refresh.run());
        reload.setOnAction(e -> {
            if (!vm.conflicts().isEmpty()) {
                vm.reload(vm.conflicts().get(0));
            }
        });
        overwrite.setOnAction(e -> {
            if (!vm.conflicts().isEmpty()) {
                vm.overwrite(vm.conflicts().get(0));
            }
        });
        refresh.run();
        return bar;
    }

    private Node batchPane() {
        TextField tag = new TextField();
        tag.setPromptText("tag");
        tag.setId("batch-tag");
        TextFields.bindAutoCompletion(tag, req -> vm.suggest(req.getUserText()));
        Button addAll = new Button("Add to all");
        addAll.setOnAction(e -> batch(() -> new TagEdit.Add(tag.getText())));
        addAll.setId("batch-add");
        Button removeAll = new Button("Remove from all");
        removeAll.setOnAction(e -> batch(() -> new TagEdit.Remove(tag.getText())));
        TextField from = new TextField();
        from.setPromptText("replace tag");
        TextFields.bindAutoCompletion(from, req -> vm.suggest(req.getUserText()));
        TextField to = new TextField();
        to.setPromptText("with tag");
        Button replace = new Button("Replace");
        replace.setOnAction(e -> batch(() -> new TagEdit.Replace(from.getText(), to.getText())));
        TextField trigger = new TextField();
        trigger.setPromptText("trigger word");
        Button prepend = new Button("Put first");
        prepend.setTooltip(new Tooltip("Put the trigger word first in every selected caption (kohya keep_tokens=1)"));
        prepend.setOnAction(e -> batch(() -> new TagEdit.PrependTrigger(trigger.getText())));
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        g.addRow(0, tag, addAll, removeAll);
        g.addRow(1, from, to, replace);
        g.addRow(2, trigger, prepend);
        for (Node n : new Node[] {tag, from, to, trigger}) {
            GridPane.setHgrow(n, Priority.ALWAYS);
        }
        g.disableProperty().bind(vm.currentProperty().isNull());
        return g;
    }

    private Node frequencyTable() {
        TableView<TagCount> table = new TableView<>(vm.frequencies());
        TableColumn<TagCount, String> tag = new TableColumn<>("Tag");
        tag.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().tag()));
        TableColumn<TagCount, Number> count = new TableColumn<>("Images");
        count.setCellValueFactory(c -> new javafx.beans.property.SimpleIntegerProperty(c.getValue().count()));
        count.setPrefWidth(70);
        count.setStyle("-fx-alignment: CENTER-RIGHT;");
        table.getColumns().add(tag);
        table.getColumns().add(count);
        tag.prefWidthProperty().bind(table.widthProperty().subtract(count.widthProperty()).subtract(18));
        table.setPlaceholder(new Label("No tags yet"));
        table.setPrefHeight(160);
        table.setRowFactory(t -> {
            javafx.scene.control.TableRow<TagCount> row = new javafx.scene.control.TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && row.getItem() != null) {
                    guarded(() -> vm.addTag(row.getItem().tag()));
                }
            });
            row.setTooltip(new Tooltip("Double-click: add to this caption"));
            return row;
        });
        ContextMenu menu = new ContextMenu();
        MenuItem show = new MenuItem("Show images with this tag");
        show.setOnAction(e -> {
            TagCount tc = table.getSelectionModel().getSelectedItem();
            if (tc != null) {
                vm.searchProperty().set("tag:" + tc.tag());
            }
        });
        MenuItem addHere = new MenuItem("Add to this caption");
        addHere.setOnAction(e -> {
            TagCount tc = table.getSelectionModel().getSelectedItem();
            if (tc != null) {
                guarded(() -> vm.addTag(tc.tag()));
            }
        });
        menu.getItems().addAll(addHere, show);
        table.setContextMenu(menu);
        return table;
    }

    private static Label sectionLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-label");
        return l;
    }

    // ---- tag chips ----------------------------------------------------------------------------------------------

    private void rebuildChips() {
        chips.getChildren().clear();
        for (int i = 0; i < vm.tags().size(); i++) {
            chips.getChildren().add(chip(vm.tags().get(i), i));
        }
    }

    private Node chip(String tag, int index) {
        Label text = new Label(tag);
        Button remove = new Button("×");
        remove.getStyleClass().add("chip-remove");
        remove.setFocusTraversable(false);
        remove.setOnAction(e -> vm.removeTag(index));
        HBox chip = new HBox(2, text, remove);
        chip.setAlignment(Pos.CENTER_LEFT);
        chip.getStyleClass().add("tag-chip");
        chip.setFocusTraversable(true);
        Tooltip.install(chip, new Tooltip("Drag to reorder; Alt+←/→ moves, Delete removes"));
        chip.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.DELETE || e.getCode() == KeyCode.BACK_SPACE) {
                vm.removeTag(index);
                e.consume();
            } else if (e.isAltDown() && e.getCode() == KeyCode.LEFT) {
                moveChip(index, index - 1);
                e.consume();
            } else if (e.isAltDown() && e.getCode() == KeyCode.RIGHT) {
                moveChip(index, index + 1);
                e.consume();
            }
        });
        chip.setOnDragDetected(e -> {
            var board = chip.startDragAndDrop(TransferMode.MOVE);
            ClipboardContent content = new ClipboardContent();
            content.putString("tag-index:" + index);
            board.setContent(content);
            e.consume();
        });
        chip.setOnDragOver(e -> {
            if (e.getDragboard().hasString() && e.getDragboard().getString().startsWith("tag-index:")) {
                e.acceptTransferModes(TransferMode.MOVE);
            }
            e.consume();
        });
        chip.setOnDragDropped(e -> {
            String s = e.getDragboard().getString();
            boolean ok = s != null && s.startsWith("tag-index:");
            if (ok) {
                vm.moveTag(Integer.parseInt(s.substring("tag-index:".length())), index);
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        ContextMenu menu = new ContextMenu();
        MenuItem left = new MenuItem("Move left");
        left.setOnAction(e -> moveChip(index, index - 1));
        MenuItem right = new MenuItem("Move right");
        right.setOnAction(e -> moveChip(index, index + 1));
        MenuItem del = new MenuItem("Remove");
        del.setOnAction(e -> vm.removeTag(index));
        menu.getItems().addAll(left, right, del);
        chip.setOnContextMenuRequested(e -> menu.show(chip, e.getScreenX(), e.getScreenY()));
        return chip;
    }

    private void moveChip(int from, int to) {
        vm.moveTag(from, to);
        if (to >= 0 && to < chips.getChildren().size()) {
            chips.getChildren().get(to).requestFocus();
        }
    }

    // ---- keys, scrolling, errors --------------------------------------------------------------------------------

    private void keys(KeyEvent e) {
        Node focus = root.getScene() == null ? null : root.getScene().getFocusOwner();
        boolean inOtherText = focus instanceof TextInputControl && focus != caption;
        if (e.isShortcutDown() && e.getCode() == KeyCode.S) {
            vm.save();
            e.consume();
        } else if (e.isShortcutDown() && !inOtherText && (e.getCode() == KeyCode.Z && !e.isShiftDown())) {
            vm.undo();
            e.consume();
        } else if (e.isShortcutDown() && !inOtherText
                && (e.getCode() == KeyCode.Y || e.getCode() == KeyCode.Z && e.isShiftDown())) {
            vm.redo();
            e.consume();
        } else if (focus == grid && !e.isAltDown()) {
            int columns = columns();
            switch (e.getCode()) {
                case LEFT -> vm.move(-1);
                case RIGHT -> vm.move(1);
                case UP -> vm.move(-columns);
                case DOWN -> vm.move(columns);
                case PAGE_UP -> vm.move(-columns * 4);
                case PAGE_DOWN -> vm.move(columns * 4);
                case A -> {
                    if (e.isShortcutDown()) {
                        vm.selectAllVisible();
                    } else {
                        return;
                    }
                }
                case ENTER -> caption.requestFocus();
                default -> {
                    return;
                }
            }
            e.consume();
        }
    }

    int columns() {
        if (grid.getSkin() instanceof GridViewSkin<?> skin) {
            return Math.max(1, skin.computeMaxCellsInRow());
        }
        return 1;
    }

    /** The grid's scroller (the skin's VirtualFlow of rows). */
    VirtualFlow<?> flow() {
        return grid.lookup(".virtual-flow") instanceof VirtualFlow<?> f ? f : null;
    }

    private void scrollTo(ImageEntry entry) {
        VirtualFlow<?> flow = flow();
        int index = entry == null ? -1 : vm.visible().indexOf(entry);
        if (flow == null || index < 0) {
            return;
        }
        int row = index / columns();
        IndexedCell<?> first = flow.getFirstVisibleCell();
        IndexedCell<?> last = flow.getLastVisibleCell();
        if (first == null || last == null || row <= first.getIndex() || row >= last.getIndex()) {
            flow.scrollTo(row);
        }
    }

    private void batch(java.util.function.Supplier<TagEdit> edit) {
        guarded(() -> {
            int n = vm.batch(edit.get());
            Messages.showInfo(root, "Batch edit", n == 0 ? "No caption changed" : n + " caption(s) changed and "
                    + "saved");
        });
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (org.lorastudio.util.UserException ex) {
            Messages.showError(root, "Tags", ex.getMessage());
        }
    }

    /** Shows a folder by its name. */
    private static final class PathCell extends ListCell<Path> {
        @Override
        protected void updateItem(Path item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : String.valueOf(item.getFileName()));
        }
    }
}
