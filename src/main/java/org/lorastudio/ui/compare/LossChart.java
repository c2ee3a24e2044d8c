package org.lorastudio.ui.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.StackPane;
import javafx.scene.shape.Rectangle;
import javafx.scene.paint.Color;
import javafx.util.StringConverter;

/**
 * Overlaid loss curves on a {@code LineChart}: per run, a faint raw line and a solid smoothed one in the run's
 * colour, with a legend of run names. It is only handed decimated curves ({@link LossCurves#MAX_POINTS} per
 * series), so redrawing stays cheap however long the runs were; animation and symbols are off.
 */
public final class LossChart extends BorderPane {
    /** Colours per run (matplotlib's first four), also used for headers elsewhere on the Compare screen. */
    public static final List<Color> COLORS = List.of(Color.web("#1f77b4"), Color.web("#d62728"),
            Color.web("#2ca02c"), Color.web("#ff7f0e"));

    private final NumberAxis xAxis = new NumberAxis();
    private final NumberAxis yAxis = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(xAxis, yAxis);
    private final FlowPane legend = new FlowPane(12, 4);
    private final Label empty = new Label("No loss values logged for the selected runs.");

    public LossChart() {
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(false);
        chart.setHorizontalGridLinesVisible(true);
        chart.setVerticalGridLinesVisible(false);
        xAxis.setForceZeroInRange(false);
        yAxis.setForceZeroInRange(false);
        xAxis.setAnimated(false);
        yAxis.setAnimated(false);
        yAxis.setLabel("Loss");
        legend.setPadding(new Insets(2, 8, 2, 50));
        legend.setAlignment(Pos.CENTER_LEFT);
        setTop(legend);
        empty.setVisible(false);
        empty.setMouseTransparent(true);
        setCenter(new StackPane(chart, empty));
    }

    public LineChart<Number, Number> chart() {
        return chart;
    }

    /**
     * Shows the curves: {@code perRun.get(i)} is run i's raw curve and optionally its smoothed curve.
     *
     * @param xLabel the x axis title
     * @param log whether y values are log10 (tick labels then show the loss itself)
     */
    public void show(List<List<LossCurves.Curve>> perRun, String xLabel, boolean log) {
        xAxis.setLabel(xLabel);
        yAxis.setLabel(log ? "Loss (log scale)" : "Loss");
        yAxis.setTickLabelFormatter(log ? new StringConverter<>() {
            @Override
            public String toString(Number v) {
                return String.format(Locale.ROOT, "%.3g", Math.pow(10, v.doubleValue()));
            }

            @Override
            public Number fromString(String s) {
                return Math.log10(Double.parseDouble(s));
            }
        } : null);
        List<XYChart.Series<Number, Number>> all = new ArrayList<>();
        List<String> styles = new ArrayList<>();
        legend.getChildren().clear();
        boolean anyPoint = false;
        for (int r = 0; r < perRun.size(); r++) {
            Color c = COLORS.get(r % COLORS.size());
            List<LossCurves.Curve> curves = perRun.get(r);
            for (int k = 0; k < curves.size(); k++) {
                LossCurves.Curve curve = curves.get(k);
                anyPoint |= curve.size() > 0;
                all.add(series(curve));
                boolean faint = curves.size() > 1 && k == 0;
                styles.add("-fx-stroke: " + rgba(c, faint ? 0.28 : 1) + "; -fx-stroke-width: "
                        + (faint ? 1 : 2) + "px;");
            }
            if (!curves.isEmpty()) {
                Rectangle swatch = new Rectangle(14, 4, c);
                Label l = new Label(curves.get(0).label(), swatch);
                legend.getChildren().add(l);
            }
        }
        chart.getData().setAll(all);
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).getNode() != null) {
                all.get(i).getNode().setStyle(styles.get(i));
            }
        }
        empty.setVisible(!anyPoint && !perRun.isEmpty());
    }

    /** How many points the chart currently holds, over all series. */
    public int pointCount() {
        return chart.getData().stream().mapToInt(s -> s.getData().size()).sum();
    }

    private static XYChart.Series<Number, Number> series(LossCurves.Curve c) {
        ObservableList<XYChart.Data<Number, Number>> data = FXCollections.observableArrayList();
        List<XYChart.Data<Number, Number>> points = new ArrayList<>(c.size());
        for (int i = 0; i < c.size(); i++) {
            points.add(new XYChart.Data<>(c.x()[i], c.y()[i]));
        }
        data.setAll(points);
        return new XYChart.Series<>(c.label(), data);
    }

    private static String rgba(Color c, double alpha) {
        return String.format(Locale.ROOT, "rgba(%d,%d,%d,%.2f)", (int) Math.round(c.getRed() * 255),
                (int) Math.round(c.getGreen() * 255), (int) Math.round(c.getBlue() * 255), alpha);
    }
}
