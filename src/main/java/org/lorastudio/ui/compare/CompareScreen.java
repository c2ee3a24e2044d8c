package org.lorastudio.ui.compare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxListCell;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.web.WebView;
import javafx.util.Duration;
import javafx.util.StringConverter;
import org.controlsfx.control.CheckListView;
import org.controlsfx.control.SegmentedButton;
import org.lorastudio.compare.Formats;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.notes.MarkdownRenderer;
import org.lorastudio.ui.notes.PreviewPane;
import org.lorastudio.ui.runs.RunColumn;
import org.lorastudio.ui.runs.RunRow;

/**
 * The Compare screen (SPEC §7): check two to four runs; see the config keys that differ (changed cells
 * highlighted, with the runs' final numbers on top), overlaid loss curves (by step or epoch, EMA smoothing, log
 * scale), the sample images by step and prompt, and the notes side by side.
 */
public final class CompareScreen implements Screen {
    private static final double THUMB = 150;

    private final CompareViewModel vm;
    private final MarkdownRenderer markdown = new MarkdownRenderer();
    private final BorderPane root = new BorderPane();
    private final CheckListView<RunRow> runList = new CheckListView<>();
    private final TableView<DiffLine> diffTable = new TableView<>();
    private final LossChart chart = new LossChart();
    private final GridPane sampleGrid = new GridPane();
    private final ComboBox<String> stepFilter = new ComboBox<>();
    private final HBox notesBox = new HBox(8);
    private final TabPane tabs = new TabPane();
    private final PauseTransition compareDelay = new PauseTransition(Duration.millis(200));
    private boolean restoringChecks;
    /** Runs to keep checked across list rereads, from {@link #preselect}; null once the user changes checks. */
    private Set<Path> wanted;

    /**
     * A line of the diff table: a config key, or one of the summary numbers shown above the keys.
     *
     * @param key the key or metric name
     * @param values one value per run
     * @param diffRow index into the diff's rows, or -1 for a summary line
     */
    record DiffLine(String key, List<String> values, int diffRow) {
    }

    public CompareScreen(StudioContext context) {
        this.vm = new CompareViewModel(context.runsDir(), context.background(), Platform::runLater);
        build();
    }

    public CompareViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Compare";
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public void onShow() {
        vm.refreshRuns();
    }

    /**
     * Compares {@code dirs} and checks them in the run list (the Runs screen's Compare action). The wish stays until
     * the user changes the checks, so the list reread on showing the tab checks the same runs.
     */
    public void preselect(List<Path> dirs) {
        wanted = Set.copyOf(dirs);
        checkWanted(wanted);
        vm.compare(List.copyOf(dirs));
    }

    /** How many runs are checked in the picker. */
    public int checkedCount() {
        return runList.getCheckModel().getCheckedItems().size();
    }

    public LossChart chart() {
        return chart;
    }

    CheckListView<RunRow> runList() {
        return runList;
    }

    TableView<DiffLine> diffTable() {
        return diffTable;
    }

    TabPane tabs() {
        return tabs;
    }

    private void build() {
        root.getStylesheets().add(CompareScreen.class.getResource("compare.css").toExternalForm());
        root.getStyleClass().add("compare-screen");

        // ---- run picker --------------------------------------------------------------------------------
        runList.setItems(vm.available());
        runList.setId("compare-runs");
        StringConverter<RunRow> text = new StringConverter<>() {
            @Override
            public String toString(RunRow r) {
                return r == null ? "" : r.name() + "\n" + RunColumn.DATE.format(r) + " · loss "
                        + RunColumn.FINAL_LOSS.format(r) + (r.status().equals("completed") ? "" : " · " + r.status());
            }

            @Override
            public RunRow fromString(String s) {
                throw new UnsupportedOperationException();
            }
        };
        runList.setCellFactory(lv -> new CheckBoxListCell<>(runList::getItemBooleanProperty, text));
        runList.getCheckModel().getCheckedItems().addListener((ListChangeListener<RunRow>) c -> {
            if (!restoringChecks) {
                wanted = null;
                compareDelay.playFromStart();
            }
        });
        compareDelay.setOnFinished(e -> vm.compare(checkedDirs()));
        vm.available().addListener((ListChangeListener<RunRow>) c -> restoreChecks());
        Label pick = new Label("Pick 2–4 runs");
        pick.getStyleClass().add("section-title");
        Button refresh = new Button("Refresh");
        refresh.setOnAction(e -> vm.refreshRuns());
        Button clear = new Button("Clear");
        clear.setOnAction(e -> runList.getCheckModel().clearChecks());
        HBox listButtons = new HBox(6, refresh, clear);
        VBox left = new VBox(6, pick, runList, listButtons);
        VBox.setVgrow(runList, Priority.ALWAYS);
        left.setPadding(new Insets(8));
        left.setPrefWidth(260);
        left.setMinWidth(180);

        // ---- config diff and chart ------------------------------------------------------------------------
        diffTable.setId("diff-table");
        diffTable.setPlaceholder(new Label("Pick two to four runs on the left."));
        diffTable.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        ToggleButton byStep = new ToggleButton("Step");
        ToggleButton byEpoch = new ToggleButton("Epoch");
        byStep.setSelected(true);
        SegmentedButton alignButtons = new SegmentedButton(byStep, byEpoch);
        byStep.setOnAction(e -> {
            byStep.setSelected(true);
            vm.alignProperty().set(LossCurves.Align.STEP);
        });
        byEpoch.setOnAction(e -> {
            byEpoch.setSelected(true);
            vm.alignProperty().set(LossCurves.Align.EPOCH);
        });
        Slider smooth = new Slider(0, 0.99, vm.smoothingProperty().get());
        smooth.valueProperty().bindBidirectional(vm.smoothingProperty());
        smooth.setPrefWidth(160);
        smooth.setTooltip(new Tooltip("EMA smoothing weight (0 = raw only), as in TensorBoard"));
        Label smoothValue = new Label();
        smoothValue.textProperty().bind(vm.smoothingProperty().asString(Locale.ROOT, "%.2f"));
        CheckBox log = new CheckBox("Log scale");
        log.selectedProperty().bindBidirectional(vm.logScaleProperty());
        HBox chartBar = new HBox(8, new Label("Align by"), alignButtons, new Label("Smoothing"), smooth,
                smoothValue, log);
        chartBar.setAlignment(Pos.CENTER_LEFT);
        chartBar.setPadding(new Insets(6, 8, 0, 8));
        vm.alignProperty().addListener((o, a, b) -> redrawChart());
        vm.smoothingProperty().addListener((o, a, b) -> redrawChart());
        vm.logScaleProperty().addListener((o, a, b) -> redrawChart());
        VBox chartBox = new VBox(chartBar, chart);
        VBox.setVgrow(chart, Priority.ALWAYS);
        SplitPane overview = new SplitPane(diffTable, chartBox);
        overview.setOrientation(Orientation.VERTICAL);
        overview.setDividerPositions(0.42);

        // ---- samples ----------------------------------------------------------------------------------------
        stepFilter.setOnAction(e -> fillSamples());
        Label stepLabel = new Label("Step");
        HBox sampleBar = new HBox(8, stepLabel, stepFilter);
        sampleBar.setAlignment(Pos.CENTER_LEFT);
        sampleBar.setPadding(new Insets(6, 8, 6, 8));
        sampleGrid.setHgap(8);
        sampleGrid.setVgap(8);
        sampleGrid.setPadding(new Insets(8));
        sampleGrid.setId("sample-grid");
        ScrollPane sampleScroll = new ScrollPane(sampleGrid);
        BorderPane samples = new BorderPane(sampleScroll);
        samples.setTop(sampleBar);

        // ---- notes ------------------------------------------------------------------------------------------
        notesBox.setPadding(new Insets(8));
        notesBox.setId("notes-box");

        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().addAll(new Tab("Config & loss", overview), new Tab("Samples", samples),
                new Tab("Notes", notesBox));

        Label message = new Label();
        message.textProperty().bind(vm.messageProperty());
        message.setPadding(new Insets(4, 8, 4, 8));

        SplitPane split = new SplitPane(left, tabs);
        split.setDividerPositions(0.2);
        SplitPane.setResizableWithParent(left, false);
        root.setCenter(split);
        root.setBottom(message);

        vm.resultProperty().addListener((o, a, r) -> show(r));
        show(null);
    }

    private List<Path> checkedDirs() {
        return new ArrayList<>(runList.getCheckModel().getCheckedItems()).stream().map(RunRow::dir).toList();
    }

    /** After the list is reread, check again the runs that were checked (rows are new objects). */
    private void restoreChecks() {
        CompareViewModel.Result r = vm.resultProperty().get();
        if (wanted != null) {
            checkWanted(wanted);
        } else if (r != null) {
            checkWanted(r.runs().stream().map(CompareViewModel.LoadedRun::dir).collect(Collectors.toSet()));
        }
    }

    private void checkWanted(Set<Path> dirs) {
        restoringChecks = true;
        try {
            for (RunRow row : vm.available()) {
                if (dirs.contains(row.dir())) {
                    runList.getCheckModel().check(row);
                } else {
                    runList.getCheckModel().clearCheck(row);
                }
            }
        } finally {
            restoringChecks = false;
        }
    }

    private void show(CompareViewModel.Result r) {
        fillDiff(r);
        redrawChart();
        stepFilter.getItems().clear();
        if (r != null) {
            stepFilter.getItems().add("All steps");
            r.sampleSteps().forEach(s -> stepFilter.getItems().add(Long.toString(s)));
            // the last step is what one usually compares first
            stepFilter.getSelectionModel().select(r.sampleSteps().isEmpty() ? 0 : stepFilter.getItems().size() - 1);
        }
        fillSamples();
        fillNotes(r);
    }

    private void fillDiff(CompareViewModel.Result r) {
        diffTable.getColumns().clear();
        diffTable.getItems().clear();
        if (r == null) {
            return;
        }
        TableColumn<DiffLine, String> key = new TableColumn<>("Key");
        key.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().key()));
        key.setPrefWidth(190);
        key.setSortable(false);
        diffTable.getColumns().add(key);
        for (int i = 0; i < r.runs().size(); i++) {
            int run = i;
            TableColumn<DiffLine, String> col = new TableColumn<>(r.runs().get(i).label());
            col.setSortable(false);
            col.setPrefWidth(190);
            col.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(d.getValue().values().get(run)));
            col.setCellFactory(x -> new TableCell<>() {
                @Override
                protected void updateItem(String item, boolean empty) {
                    super.updateItem(item, empty);
                    getStyleClass().removeAll("changed", "summary");
                    DiffLine line = empty || getTableRow() == null ? null : getTableRow().getItem();
                    setText(line == null ? null : item);
                    if (line != null && line.diffRow() >= 0 && r.changed(line.diffRow(), run)) {
                        getStyleClass().add("changed");
                    } else if (line != null && line.diffRow() < 0) {
                        getStyleClass().add("summary");
                    }
                }
            });
            Label header = new Label(r.runs().get(i).label());
            header.setTextFill(LossChart.COLORS.get(i % LossChart.COLORS.size()));
            header.setStyle("-fx-font-weight: bold;");
            col.setGraphic(header);
            col.setText("");
            diffTable.getColumns().add(col);
        }
        List<DiffLine> lines = new ArrayList<>();
        lines.add(summary("final loss", r, s -> Formats.loss(s.finalLoss())));
        lines.add(summary("min loss", r, s -> Formats.loss(s.minLoss())));
        lines.add(summary("steps", r, RunSummary::stepsText));
        lines.add(summary("duration", r, s -> Formats.duration(s.durationSeconds())));
        lines.add(summary("status", r, RunSummary::status));
        for (int i = 0; i < r.diff().rows().size(); i++) {
            lines.add(new DiffLine(r.diff().rows().get(i).key(), r.diff().rows().get(i).values(), i));
        }
        if (r.diff().isEmpty()) {
            lines.add(new DiffLine("(config)", r.runs().stream().map(x -> "identical").toList(), -1));
        }
        diffTable.getItems().setAll(lines);
    }

    private static DiffLine summary(String name, CompareViewModel.Result r,
                                    java.util.function.Function<RunSummary, String> value) {
        return new DiffLine(name, r.runs().stream().map(l -> value.apply(l.summary())).toList(), -1);
    }

    private void redrawChart() {
        chart.show(vm.curves(), vm.alignProperty().get().label(), vm.logScaleProperty().get());
    }

    private void fillSamples() {
        sampleGrid.getChildren().clear();
        CompareViewModel.Result r = vm.resultProperty().get();
        if (r == null) {
            return;
        }
        List<SampleIndex.Key> keys = r.sampleKeys();
        if (keys.isEmpty()) {
            sampleGrid.add(new Label("None of these runs has samples (samples/step<N>-p<k>.png, or .txt for language models)."), 0, 0);
            return;
        }
        String step = stepFilter.getValue();
        if (step != null && !step.startsWith("All")) {
            long s = Long.parseLong(step);
            keys = keys.stream().filter(k -> k.step() == s).toList();
        }
        for (int c = 0; c < r.runs().size(); c++) {
            Label h = new Label(r.runs().get(c).label());
            h.setTextFill(LossChart.COLORS.get(c % LossChart.COLORS.size()));
            h.getStyleClass().add("section-title");
            sampleGrid.add(h, c + 1, 0);
        }
        int row = 1;
        for (SampleIndex.Key k : keys) {
            Label rowLabel = new Label("step " + k.step() + "\nprompt " + (k.prompt() + 1));
            sampleGrid.add(rowLabel, 0, row);
            for (int c = 0; c < r.runs().size(); c++) {
                SampleIndex samples = r.runs().get(c).samples();
                Node cell = samples.get(k)
                        .<Node>map(p -> samples.text(k).<Node>map(t -> textSample(t, p)).orElseGet(() -> {
                            // decoded by JavaFX's loader threads at thumbnail size: never on the FX thread
                            ImageView v = new ImageView(new Image(p.toUri().toString(), THUMB, THUMB, true,
                                    false, true));
                            v.setFitWidth(THUMB);
                            v.setFitHeight(THUMB);
                            v.setPreserveRatio(true);
                            Tooltip.install(v, new Tooltip(p.getFileName().toString()));
                            return v;
                        }))
                        .orElseGet(() -> {
                            Label none = new Label("—");
                            none.setTextFill(Color.GRAY);
                            return none;
                        });
                StackPane box = new StackPane(cell);
                box.setMinSize(THUMB, THUMB);
                box.getStyleClass().add("sample-cell");
                sampleGrid.add(box, c + 1, row);
            }
            row++;
        }
    }

    /** A language model's sample answer: wrapped text in a thumbnail-sized cell, scrollable when long. */
    private static Node textSample(String text, Path file) {
        Label answer = new Label(text.isEmpty() ? "(empty answer)" : text);
        answer.setWrapText(true);
        answer.setMaxWidth(THUMB * 1.5 - 16);
        answer.getStyleClass().add("sample-text");
        answer.setStyle("-fx-font-family: monospace;");
        ScrollPane scroll = new ScrollPane(answer);
        scroll.setFitToWidth(true);
        scroll.setPrefSize(THUMB * 1.5, THUMB);
        Tooltip.install(answer, new Tooltip(file.getFileName().toString()));
        return scroll;
    }

    private void fillNotes(CompareViewModel.Result r) {
        notesBox.getChildren().clear();
        if (r == null) {
            return;
        }
        for (int i = 0; i < r.runs().size(); i++) {
            CompareViewModel.LoadedRun run = r.runs().get(i);
            Label h = new Label(run.label());
            h.setTextFill(LossChart.COLORS.get(i % LossChart.COLORS.size()));
            h.getStyleClass().add("section-title");
            PreviewPane preview = new PreviewPane();
            preview.show(markdown.page(run.notes(), run.dir()));
            VBox col = new VBox(4, h, preview);
            VBox.setVgrow(preview, Priority.ALWAYS);
            HBox.setHgrow(col, Priority.ALWAYS);
            col.setPrefWidth(10);
            notesBox.getChildren().add(col);
        }
    }

    /** The notes views shown, for tests. */
    List<WebView> noteViews() {
        return notesBox.getChildren().stream().map(n -> ((VBox) n).getChildren().get(1))
                .map(n -> ((PreviewPane) n).webView()).toList();
    }
}
