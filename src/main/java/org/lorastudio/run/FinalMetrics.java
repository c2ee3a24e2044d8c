package org.lorastudio.run;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The outcome of a run in numbers, written to {@code run.json} when it ends. Values that were not measured are
 * null (for example peak memory on a device that does not report it).
 *
 * @param finalLoss loss at the last logged step
 * @param minLoss lowest logged loss
 * @param durationSeconds wall time from start to end
 * @param itemsPerSecond mean throughput (images or sequences per second)
 * @param peakMemoryBytes peak device memory, when known
 */
@JsonPropertyOrder({"final_loss", "min_loss", "duration_seconds", "items_per_s", "peak_memory_bytes"})
public record FinalMetrics(
        @JsonProperty("final_loss") Double finalLoss,
        @JsonProperty("min_loss") Double minLoss,
        @JsonProperty("duration_seconds") Double durationSeconds,
        @JsonProperty("items_per_s") Double itemsPerSecond,
        @JsonProperty("peak_memory_bytes") Long peakMemoryBytes) {

    /**
     * Metrics derived from the logged points: final and minimum loss from the log, throughput as the mean of the
     * logged values; duration and peak memory come from the trainer.
     */
    public static FinalMetrics from(List<MetricPoint> points, double durationSeconds, Long peakMemoryBytes) {
        Double last = points.isEmpty() ? null : points.get(points.size() - 1).loss();
        Double min = points.stream().mapToDouble(MetricPoint::loss).filter(d -> !Double.isNaN(d)).boxed()
                .min(Double::compare).orElse(null);
        Double ips = points.stream().mapToDouble(MetricPoint::itemsPerSecond).filter(d -> d > 0).average()
                .stream().boxed().findFirst().orElse(null);
        return new FinalMetrics(last, min, durationSeconds, ips, peakMemoryBytes);
    }
}
