package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.TrainingEvent;

/** Real (tiny) trainings of the demo config through the view model, without the FX toolkit. */
class TrainViewModelTest {
    static final Path DEMO = Path.of("resources/configs/demo.yaml");

    static TrainingConfig fast(TrainingConfig c, int steps) {
        return c.with("max_train_steps", steps).with("sample_every_n_steps", 0);
    }

    private static TrainViewModel vm(Path workspace, int steps) {
        TrainViewModel vm = new TrainViewModel(workspace, TrainViewModel.newTrainerThreadPerRun(), Runnable::run);
        vm.setConfigAdjuster(c -> fast(c, steps));
        vm.configProperty().set(DEMO);
        return vm;
    }

    @Test
    void sixStepRunFillsTheChartAndCompletes(@TempDir Path workspace) throws Exception {
        TrainViewModel vm = vm(workspace, 6);
        vm.start();
        assertThat(vm.running().get(120, TimeUnit.SECONDS)).isEqualTo(RunStatus.COMPLETED);
        assertThat(vm.series().size()).isEqualTo(6);
        assertThat(vm.series().step(5)).isEqualTo(6);
        assertThat(vm.finalStatusProperty().get()).isEqualTo("completed");
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        assertThat(vm.progressTextProperty().get()).startsWith("step 6 / 6 · ").contains("it/s").contains("ETA");
        assertThat(vm.stateProperty().get()).isEqualTo(TrainState.IDLE);
        assertThat(vm.failureReasonProperty().get()).isEmpty();
        assertThat(vm.runDirProperty().get()).isNotNull();
        assertThat(Files.isDirectory(vm.runDirProperty().get())).isTrue();
        assertThat(vm.runDirProperty().get().startsWith(workspace)).isTrue();
        assertThat(vm.log()).anyMatch(l -> l.contains("completed"));
    }

    @Test
    void stopAfterTheFirstStepEndsStoppedAndResumeContinues(@TempDir Path workspace) throws Exception {
        TrainViewModel vm = vm(workspace, 40);
        AtomicBoolean asked = new AtomicBoolean();
        vm.chartVersionProperty().addListener((o, a, b) -> {
            if (vm.series().size() >= 1 && asked.compareAndSet(false, true)) {
                vm.stop();
            }
        });
        vm.start();
        assertThat(vm.running().get(120, TimeUnit.SECONDS)).isEqualTo(RunStatus.STOPPED);
        assertThat(vm.finalStatusProperty().get()).isEqualTo("stopped");
        assertThat(vm.series().size()).isBetween(1, 39);
        assertThat(vm.stateProperty().get()).isEqualTo(TrainState.IDLE);

        int stoppedAt = vm.series().step(vm.series().size() - 1);
        vm.resume(null);
        assertThat(vm.running().get(120, TimeUnit.SECONDS)).isEqualTo(RunStatus.COMPLETED);
        assertThat(vm.series().step(0)).isEqualTo(stoppedAt + 1);
        assertThat(vm.series().step(vm.series().size() - 1)).isEqualTo(40);
    }

    @Test
    void aMissingConfigShowsTheFailurePanelText(@TempDir Path workspace) throws Exception {
        TrainViewModel vm = new TrainViewModel(workspace, TrainViewModel.newTrainerThreadPerRun(), Runnable::run);
        vm.configProperty().set(workspace.resolve("nope.yaml"));
        vm.start();
        assertThat(vm.running().get(30, TimeUnit.SECONDS)).isEqualTo(RunStatus.FAILED);
        assertThat(vm.failureReasonProperty().get()).isNotEmpty();
        assertThat(vm.failureAdviceProperty().get()).isNotEmpty();
        assertThat(vm.finalStatusProperty().get()).isEqualTo("failed");
    }

    @Test
    void progressLineAndClock() {
        var s = new TrainingEvent.Step(12, 240, 2, 0.5, 1e-3, 27.345, 1, 75, 0.1);
        assertThat(TrainViewModel.progressLine(s)).isEqualTo("step 12 / 240 · 27.35 it/s · ETA 1:15");
        assertThat(TrainViewModel.clock(3725)).isEqualTo("1:02:05");
        assertThat(TrainViewModel.clock(Double.NaN)).isEqualTo("–");
    }

    @Test
    void closeWhileIdleNeedsNoConfirmation(@TempDir Path workspace) {
        TrainViewModel vm = vm(workspace, 6);
        assertThat(vm.closeRequest(() -> {
            throw new AssertionError("must not ask");
        }, 1)).isTrue();
    }
}
