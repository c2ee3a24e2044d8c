package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.MetricsLog;
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
        assertThat(vm.running().get(300, TimeUnit.SECONDS)).isEqualTo(RunStatus.COMPLETED);
        // the chart shows the logged history, then the resumed steps, each step once
        assertThat(vm.series().step(0)).isEqualTo(1);
        assertThat(vm.series().step(stoppedAt - 1)).isEqualTo(stoppedAt);
        assertThat(vm.series().step(vm.series().size() - 1)).isEqualTo(40);
        assertThat(vm.series().size()).isEqualTo(40);
    }

    @Test
    void openingARunFillsTheChartFromItsMetricsLog(@TempDir Path workspace) throws Exception {
        Path run = Files.createDirectories(workspace.resolve("runs").resolve("r1"));
        Files.writeString(run.resolve(MetricsLog.FILE_NAME),
                "{\"step\":1,\"epoch\":1,\"loss\":0.5,\"lr\":0.001,\"seconds\":1.0,\"items_per_s\":2.0}\n"
                        + "{\"step\":2,\"epoch\":1,\"loss\":0.25,\"lr\":0.001,\"seconds\":2.0,\"items_per_s\":2.0}\n");
        CompletableFuture<Void> read = new CompletableFuture<>();
        TrainViewModel vm = new TrainViewModel(workspace, r -> new Thread(r).start(), task -> {
            task.run();
            read.complete(null);
        });
        vm.open(run);
        read.get(30, TimeUnit.SECONDS);
        assertThat(vm.runDirProperty().get()).isEqualTo(run);
        assertThat(vm.series().size()).isEqualTo(2);
        assertThat(vm.series().loss(1)).isEqualTo(0.25f);
        assertThat(vm.chartVersionProperty().get()).isPositive();
    }

    @Test
    void aResumedRunReplacesTheStepsLoggedAfterItsCheckpoint() {
        LossSeries s = new LossSeries();
        for (int i = 1; i <= 10; i++) {
            s.add(i, 1.0 / i, 0);
        }
        s.truncateFrom(8); // the checkpoint was at step 7
        assertThat(s.size()).isEqualTo(7);
        assertThat(s.step(6)).isEqualTo(7);
        s.truncateFrom(100);
        assertThat(s.size()).isEqualTo(7);
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
    void aFailedSelfCheckRefusesBeforeARunExists(@TempDir Path workspace) throws Exception {
        System.setProperty(org.lorastudio.train.SelfCheck.CORRUPT_PROPERTY, "convolution 3×3 stride 1");
        try {
            TrainViewModel vm = vm(workspace, 2);
            vm.start();
            assertThat(vm.running().get(60, TimeUnit.SECONDS)).isEqualTo(RunStatus.FAILED);
            assertThat(vm.failureReasonProperty().get()).startsWith("The numerical self-check failed on ")
                    .contains("convolution 3×3 stride 1 32→4").contains("input gradient").contains("50 %")
                    .doesNotContain("Exception");
            assertThat(vm.failureAdviceProperty().get()).contains("lorastudio doctor");
            assertThat(workspace.resolve("runs")).as("nothing was created").doesNotExist();
        } finally {
            System.clearProperty(org.lorastudio.train.SelfCheck.CORRUPT_PROPERTY);
        }
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
