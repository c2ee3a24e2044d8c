package org.lorastudio.compare;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.ValidationCurve;

/**
 * The few numbers that tell runs apart at a glance (runs table, comparison). Values come from
 * {@code run.json}'s final metrics when the run ended normally, otherwise from its metrics log, so a running,
 * crashed or stopped run still shows how far it got.
 *
 * @param id the run id
 * @param name the experiment name
 * @param status status label
 * @param stepsDone optimizer steps completed
 * @param totalSteps planned steps (0 when unknown)
 * @param finalLoss loss at the last logged step, or null
 * @param minLoss lowest logged loss, or null
 * @param durationSeconds run time so far or in total, or null
 * @param finalValLoss validation loss at the last step it was measured, or null (issue 16)
 * @param minValLoss lowest validation loss, or null
 */
public record RunSummary(String id, String name, String status, long stepsDone, long totalSteps, Double finalLoss,
                         Double minLoss, Double durationSeconds, Double finalValLoss, Double minValLoss) {

    /** Summarises a run from its record and logged points; {@code now} bounds the duration of a running run. */
    public static RunSummary of(RunRecord record, List<MetricPoint> points, Instant now) {
        FinalMetrics fm = record.finalMetrics();
        MetricPoint last = points.isEmpty() ? null : points.get(points.size() - 1);
        long steps = Math.max(record.stepsDone(), last == null ? 0 : last.step());
        Double finalLoss = fm != null && fm.finalLoss() != null ? fm.finalLoss() : last == null ? null : last.loss();
        Double minLoss = fm != null && fm.minLoss() != null ? fm.minLoss() : points.stream()
                .mapToDouble(MetricPoint::loss).filter(d -> !Double.isNaN(d)).boxed().min(Double::compare)
                .orElse(null);
        Double duration = fm != null && fm.durationSeconds() != null ? fm.durationSeconds()
                : record.duration(now).map(RunSummary::seconds)
                        .orElse(last == null ? null : last.seconds());
        ValidationCurve val = ValidationCurve.of(points);
        return new RunSummary(record.id(), record.name(), record.status().label(), steps, record.totalSteps(),
                finalLoss, minLoss, duration, val.last().map(ValidationCurve.Point::loss).orElse(null),
                val.best().map(ValidationCurve.Point::loss).orElse(null));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** Steps as {@code done/total}, or just {@code done} when the total is unknown. */
    public String stepsText() {
        return totalSteps > 0 ? stepsDone + "/" + totalSteps : Long.toString(stepsDone);
    }
}
