package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.train.TrainingEvent;

/** The Train chart's validation-loss series (issue 16): from the log, from live events, and on resume. */
class ValidationSeriesTest {
    @Test
    void validationPointsAreTheirOwnSeriesAndAResumeForgetsTheRedoneOnes() {
        LossSeries s = new LossSeries();
        for (int i = 1; i <= 10; i++) {
            s.add(i, 1.0 / i, 0);
            if (i % 3 == 0) {
                s.addValidation(i, 2.0 / i);
            }
        }
        assertThat(s.size()).isEqualTo(10);
        assertThat(s.validationSize()).isEqualTo(3);
        assertThat(s.validationStep(2)).isEqualTo(9);
        assertThat(s.validationLoss(0)).isEqualTo(2f / 3);

        s.truncateFrom(7); // checkpoint at step 6: steps 7.. are trained again
        assertThat(s.validationSize()).isEqualTo(2);
        assertThat(s.validationStep(1)).isEqualTo(6);
        s.clear();
        assertThat(s.validationSize()).isZero();
    }

    @Test
    void openingARunShowsItsLoggedValidationLoss(@TempDir Path workspace) throws Exception {
        Path run = Files.createDirectories(workspace.resolve("runs").resolve("r1"));
        Files.writeString(run.resolve(MetricsLog.FILE_NAME),
                "{\"step\":1,\"epoch\":1,\"loss\":0.5,\"lr\":0.001,\"seconds\":1.0,\"items_per_s\":2.0}\n"
                        + "{\"step\":2,\"epoch\":1,\"loss\":0.25,\"lr\":0.001,\"seconds\":2.0,\"items_per_s\":2.0,"
                        + "\"grad_norm\":1.0,\"val_loss\":0.375}\n");
        CompletableFuture<Void> read = new CompletableFuture<>();
        TrainViewModel vm = new TrainViewModel(workspace, r -> new Thread(r).start(), task -> {
            task.run();
            read.complete(null);
        });
        vm.open(run);
        read.get(30, TimeUnit.SECONDS);

        assertThat(vm.series().size()).isEqualTo(2);
        assertThat(vm.series().validationSize()).isEqualTo(1);
        assertThat(vm.series().validationStep(0)).isEqualTo(2);
        assertThat(vm.series().validationLoss(0)).isEqualTo(0.375f);
    }

    @Test
    void aLiveValidationEventAddsAPointAndALogLine(@TempDir Path workspace) {
        TrainViewModel vm = new TrainViewModel(workspace, Runnable::run, Runnable::run);
        int before = vm.chartVersionProperty().get();

        vm.onEvents(java.util.List.of(new TrainingEvent.Step(3, 6, 1, 0.5, 1e-3, 2, 1, 1, 0.1),
                new TrainingEvent.ValidationLoss(3, 0.4375)));

        assertThat(vm.series().validationSize()).isEqualTo(1);
        assertThat(vm.series().validationLoss(0)).isEqualTo(0.4375f);
        assertThat(vm.chartVersionProperty().get()).isGreaterThan(before);
        assertThat(vm.log()).anyMatch(l -> l.contains("Validation loss at step 3: 0.4375"));
    }
}
