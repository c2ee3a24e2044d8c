package org.lorastudio.ui.train;

import java.util.List;

import javafx.scene.paint.Color;
import org.lorastudio.ui.common.CurveCanvas;

/**
 * The live loss chart of the Train screen: the raw loss (faint), its EMA (solid), the validation loss (green, when
 * the run holds images out) and the learning rate (thin, on its own right-hand scale), read in place from the {@link LossSeries} arrays by the shared {@link CurveCanvas}.
 */
public final class LossCanvas extends CurveCanvas {
    private static final Color RAW = Color.web("#1f77b4", 0.35);
    private static final Color SMOOTH = Color.web("#1f77b4");
    private static final Color LR = Color.web("#ff7f0e", 0.8);
    private static final Color VALIDATION = Color.web("#2ca02c");

    /** Sets the data, smoothing (0..0.999) and scale, and redraws. */
    public void show(LossSeries data, double smoothing, boolean log) {
        int n = data.size();
        int[] steps = data.stepsArray();
        float[] ema = data.ema(smoothing);
        plot(new Plot(List.of(
                new Line(points(steps, data.lossArray(), n), RAW, 1.0, false),
                new Line(points(steps, ema, n), SMOOTH, 2.0, false),
                new Line(points(data.validationStepsArray(), data.validationLossArray(), data.validationSize()),
                        VALIDATION, 2.0, false),
                new Line(points(steps, data.lrArray(), n), LR, 0.8, true)),
                log, leftTitle(data), SMOOTH, "learning rate", LR, true, "The loss appears here once training starts."));
    }

    /** The left axis' title; it names the validation line's colour once the run has one. */
    static String leftTitle(LossSeries data) {
        return data.validationSize() > 0 ? "loss (green: validation)" : "loss";
    }

    /** A view of the first {@code n} entries of the series arrays (no copy). */
    static Points points(int[] steps, float[] values, int n) {
        return new Points() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public double x(int i) {
                return steps[i];
            }

            @Override
            public double y(int i) {
                return values[i];
            }
        };
    }
}
