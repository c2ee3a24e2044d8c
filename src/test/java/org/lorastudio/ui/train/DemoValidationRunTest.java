package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;
import org.lorastudio.run.ValidationCurve;
import org.lorastudio.run.ValidationSet;

/** The demo config with validation_split 0.25 (issue 16): both curves recorded, on the chart and in the notes. */
class DemoValidationRunTest {
    @Test
    void theDemoRecordsTrainingAndValidationLoss(@TempDir Path workspace) throws Exception {
        TrainViewModel vm = new TrainViewModel(workspace, TrainViewModel.newTrainerThreadPerRun(), Runnable::run);
        vm.setConfigAdjuster(c -> TrainViewModelTest.fast(c, 8).with("validation_split", 0.25)
                .with("validation_every_n_steps", 4));
        vm.configProperty().set(TrainViewModelTest.DEMO);
        vm.start();
        assertThat(vm.running().get(300, TimeUnit.SECONDS)).isEqualTo(RunStatus.COMPLETED);

        RunFolder run = RunFolder.open(vm.runDirProperty().get());
        List<MetricPoint> metrics = MetricsLog.read(run.metricsFile());
        assertThat(metrics).hasSize(8);
        assertThat(ValidationCurve.of(metrics).points()).extracting(ValidationCurve.Point::step)
                .containsExactly(4L, 8L);
        assertThat(vm.series().size()).isEqualTo(8);
        assertThat(vm.series().validationSize()).isEqualTo(2);
        ValidationSet held = ValidationSet.read(run.dir()).orElseThrow();
        PerImageLoss.Snapshot perImage = PerImageLoss.read(run.dir()).orElseThrow();
        assertThat(held.items()).isNotEmpty().doesNotContainAnyElementsOf(perImage.meanByImage().keySet());
        assertThat(run.notesText()).contains("**Validation loss:**").contains("**Highest-loss images**");
    }
}
