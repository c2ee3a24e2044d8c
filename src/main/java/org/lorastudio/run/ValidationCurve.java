package org.lorastudio.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The validation loss of a run as logged in {@code metrics.jsonl}: the {@code val_loss} value of the steps it was
 * measured at (issue 16). A pure view of the metric points, for charts, notes and comparisons.
 */
public record ValidationCurve(List<Point> points) {
    /** The extra metric's name in {@code metrics.jsonl} and the TensorBoard tag. */
    public static final String KEY = "val_loss";

    /** One measurement. */
    public record Point(long step, double loss) {
    }

    public ValidationCurve {
        points = List.copyOf(points);
    }

    /** The {@code val_loss} values of {@code metrics}, in step order. */
    public static ValidationCurve of(List<MetricPoint> metrics) {
        List<Point> out = new ArrayList<>();
        for (MetricPoint p : metrics) {
            if (p.extra().get(KEY) instanceof Number n) {
                out.add(new Point(p.step(), n.doubleValue()));
            }
        }
        return new ValidationCurve(out);
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }

    /** The last measurement. */
    public Optional<Point> last() {
        return points.isEmpty() ? Optional.empty() : Optional.of(points.get(points.size() - 1));
    }

    /** The lowest finite measurement (the first of equal ones). */
    public Optional<Point> best() {
        Point best = null;
        for (Point p : points) {
            if (Double.isFinite(p.loss()) && (best == null || p.loss() < best.loss())) {
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }
}
