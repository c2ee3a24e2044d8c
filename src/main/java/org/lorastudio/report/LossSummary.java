package org.lorastudio.report;

import java.util.List;

import org.lorastudio.run.MetricPoint;

/**
 * A run's loss in a few numbers, smoothed with {@link Smoothing#ema} (the raw last and minimum are kept too, since
 * they are what {@code run.json} records). All values are null when nothing finite was logged.
 *
 * @param beta the EMA factor used
 * @param finalSmoothed smoothed loss at the last logged step
 * @param minSmoothed lowest smoothed loss
 * @param minStep the step of {@code minSmoothed}
 * @param lastRaw raw loss at the last logged step
 * @param minRaw lowest raw loss
 * @param lastEpoch the epoch of the last logged step (0 when none)
 */
public record LossSummary(double beta, Double finalSmoothed, Double minSmoothed, Long minStep, Double lastRaw,
                          Double minRaw, int lastEpoch) {

    /** Summarises logged points with smoothing factor {@code beta}. */
    public static LossSummary of(List<MetricPoint> points, double beta) {
        double[] raw = points.stream().mapToDouble(MetricPoint::loss).toArray();
        double[] smooth = Smoothing.ema(raw, beta);
        Double fin = null;
        Double min = null;
        Long minStep = null;
        Double minRaw = null;
        for (int i = 0; i < smooth.length; i++) {
            if (Double.isFinite(smooth[i])) {
                fin = smooth[i];
                if (min == null || smooth[i] < min) {
                    min = smooth[i];
                    minStep = points.get(i).step();
                }
            }
            if (Double.isFinite(raw[i]) && (minRaw == null || raw[i] < minRaw)) {
                minRaw = raw[i];
            }
        }
        Double last = raw.length == 0 ? null : raw[raw.length - 1];
        int epoch = points.isEmpty() ? 0 : points.get(points.size() - 1).epoch();
        return new LossSummary(beta, fin, min, minStep, last, minRaw, epoch);
    }
}
