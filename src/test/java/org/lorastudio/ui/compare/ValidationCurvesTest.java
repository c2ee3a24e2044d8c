package org.lorastudio.ui.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.runs.FakeRuns;

/** The Compare chart's validation-loss series (issue 16). */
class ValidationCurvesTest {
    @TempDir
    Path workspace;

    @Test
    void aRunWithValidationLossGetsItsOwnCurveAfterRawAndSmoothed() throws IOException {
        Path runs = workspace.resolve("runs");
        RunFolder a = FakeRuns.completed(runs, "rank4", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 5, 40,
                0.5, List.of());
        RunFolder b = FakeRuns.completed(runs, "rank16", Instant.parse("2026-11-02T10:00:00Z"), 16, "2e-4", 10, 80,
                0.9, List.of());
        List<MetricPoint> points = a.metrics();
        Files.delete(a.metricsFile());
        try (MetricsLog log = MetricsLog.open(a.metricsFile())) {
            for (MetricPoint p : points) {
                log.append(p.step() % 10 == 0 ? new MetricPoint(p.step(), p.epoch(), p.loss(), p.lr(), p.seconds(),
                        p.itemsPerSecond(), Map.of("val_loss", 1.0 / p.step())) : p);
            }
        }
        CompareViewModel vm = new CompareViewModel(runs, Runnable::run, Runnable::run);
        vm.compare(List.of(a.dir(), b.dir())).join();

        vm.smoothingProperty().set(0.6);
        List<List<LossCurves.Curve>> curves = vm.curves();
        assertThat(curves.get(0)).hasSize(3);
        assertThat(curves.get(1)).as("no validation loss logged: no third curve").hasSize(2);
        LossCurves.Curve val = curves.get(0).get(2);
        assertThat(LossCurves.isValidation(val)).isTrue();
        assertThat(LossCurves.isValidation(curves.get(0).get(1))).isFalse();
        assertThat(val.label()).isEqualTo("rank4" + LossCurves.VALIDATION_SUFFIX);
        assertThat(val.x()).containsExactly(10, 20, 30, 40);
        assertThat(val.y()).containsExactly(0.1, 0.05, 1.0 / 30, 0.025);

        vm.smoothingProperty().set(0);
        assertThat(vm.curves().get(0)).extracting(LossCurves::isValidation).containsExactly(false, true);
        vm.alignProperty().set(LossCurves.Align.EPOCH);
        assertThat(vm.curves().get(0).get(1).x()[3]).as("step 40 is the end of epoch 5").isEqualTo(5.0);
    }
}
