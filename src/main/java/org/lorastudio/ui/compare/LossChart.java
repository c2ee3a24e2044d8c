package org.lorastudio.ui.compare;

import java.util.ArrayList;
import java.util.List;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;
import org.lorastudio.ui.common.CurveCanvas;

/**
 * Overlaid loss curves of the compared runs on the shared {@link CurveCanvas}: per run, a faint raw line and a
 * solid smoothed one in the run's colour (and a darker, thicker validation-loss line when the run measured one), with a legend of run names. It is handed whole curves; the canvas reduces
 * each to a min/max per pixel column, so four runs of 100,000 points redraw in milliseconds.
 */
public final class LossChart extends BorderPane {
    /** Colours per run (matplotlib's first four), also used for headers elsewhere on the Compare screen. */
    public static final List<Color> COLORS = List.of(Color.web("#1f77b4"), Color.web("#d62728"),
            Color.web("#2ca02c"), Color.web("#ff7f0e"));

    private final CurveCanvas canvas = new CurveCanvas();
    private final FlowPane legend = new FlowPane(12, 4);
    private int points;

    public LossChart() {
        legend.setPadding(new Insets(2, 8, 2, 56));
        legend.setAlignment(Pos.CENTER_LEFT);
        canvas.setId("compare-chart");
        setTop(legend);
        setCenter(canvas);
    }

    /** The canvas (for tests). */
    public CurveCanvas canvas() {
        return canvas;
    }

    /**
     * Shows the curves: {@code perRun.get(i)} is run i's raw curve and optionally its smoothed curve, in loss
     * units (the canvas takes the log when {@code log} is set).
     *
     * @param xLabel what x counts ("Step" or "Epoch"); epochs get fractional tick labels
     */
    public void show(List<List<LossCurves.Curve>> perRun, String xLabel, boolean log) {
        List<CurveCanvas.Line> lines = new ArrayList<>();
        legend.getChildren().clear();
        points = 0;
        for (int r = 0; r < perRun.size(); r++) {
            Color c = COLORS.get(r % COLORS.size());
            List<LossCurves.Curve> curves = perRun.get(r);
            for (int k = 0; k < curves.size(); k++) {
                LossCurves.Curve curve = curves.get(k);
                points += curve.size();
                boolean validation = LossCurves.isValidation(curve);
                boolean faint = k == 0 && curves.size() > 1 && !LossCurves.isValidation(curves.get(1));
                // the validation loss: the run's colour, darker and thicker, so it reads apart from the training loss
                Color stroke = validation ? c.deriveColor(0, 1, 0.6, 1)
                        : faint ? Color.color(c.getRed(), c.getGreen(), c.getBlue(), 0.28) : c;
                lines.add(new CurveCanvas.Line(CurveCanvas.Points.of(curve.x(), curve.y(), curve.size()), stroke,
                        validation ? 3 : faint ? 1 : 2, false));
            }
            if (!curves.isEmpty()) {
                legend.getChildren().add(new Label(curves.get(0).label(), new Rectangle(14, 4, c)));
            }
        }
        boolean epochs = LossCurves.Align.EPOCH.label().equals(xLabel);
        canvas.plot(new CurveCanvas.Plot(lines, log, "loss by " + xLabel.toLowerCase(java.util.Locale.ROOT),
                Color.gray(0.3), null, Color.BLACK, !epochs, perRun.isEmpty()
                ? "Pick two to four runs to compare their loss curves."
                : "No loss values logged for the selected runs."));
    }

    /** How many points the chart was handed, over all lines. */
    public int pointCount() {
        return points;
    }
}
