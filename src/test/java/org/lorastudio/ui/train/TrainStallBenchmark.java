package org.lorastudio.ui.train;

import static org.lorastudio.ui.common.FxTestSupport.waitUntil;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.FxTestSupport;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The longest FX-thread stall during a training run: clicks Start on the Train screen with a short demo (40 steps,
 * samples and checkpoints every 20, so the gallery and the checkpoint log lines arrive too) and records the time
 * between FX pulses with an {@link AnimationTimer} from the click to the end of the run. Prints p50/p99/max and
 * the worst gaps; asserts nothing about time. Run with
 * {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=TrainStallBenchmark}.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class TrainStallBenchmark {
    private Path workspace;
    private StudioContext context;
    private TrainScreen screen;

    @Start
    void start(Stage stage) throws Exception {
        workspace = Files.createTempDirectory("train-stall");
        context = new StudioContext(workspace);
        screen = new TrainScreen(context);
        screen.viewModel().setConfigAdjuster(c -> c.with("max_train_steps", 40).with("sample_every_n_steps", 20)
                .with("save_steps", 20));
        screen.setConfirmStop(() -> true);
        stage.setScene(new Scene((javafx.scene.Parent) screen.view(), 1280, 800));
        stage.show();
    }

    @AfterEach
    void cleanUp() {
        context.shutdown();
        FxTestSupport.deleteTree(workspace);
    }

    @Test
    void pulseGapsWhileTraining(FxRobot robot) {
        long[] stamps = new long[200_000];
        int[] n = {0};
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (n[0] < stamps.length) {
                    stamps[n[0]++] = System.nanoTime();
                }
            }
        };
        robot.interact(timer::start);
        long t0 = System.nanoTime();
        robot.clickOn("#train-start");
        waitUntil("run start", 120, () -> screen.viewModel().isBusy());
        waitUntil("run end", 900, () -> !screen.viewModel().isBusy());
        robot.interact(timer::stop);
        if (!"completed".equals(screen.viewModel().finalStatusProperty().get())) {
            System.out.println("[bench] the run did not complete: " + screen.viewModel().failureReasonProperty().get()
                    + "; log: " + screen.viewModel().log());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        int frames = n[0];
        long[] gaps = new long[Math.max(1, frames - 1)];
        for (int i = 1; i < frames; i++) {
            gaps[i - 1] = stamps[i] - stamps[i - 1];
        }
        long[] sorted = gaps.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "[bench] FX pulses during a %d-step demo run (%s, %.1f s, %d samples): %d "
                        + "frames, gap p50 %.1f ms, p99 %.1f ms, max %.1f ms; gaps over 100 ms: %d; worst five: %s%n",
                screen.viewModel().series().size(), screen.viewModel().finalStatusProperty().get(), secs,
                screen.viewModel().samples().size(), frames, sorted[sorted.length / 2] / 1e6,
                sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6,
                Arrays.stream(gaps).filter(g -> g > 100_000_000L).count(),
                Arrays.toString(Arrays.stream(sorted).skip(Math.max(0, sorted.length - 5))
                        .mapToObj(g -> String.format(Locale.ROOT, "%.0f", g / 1e6)).toArray()));
    }
}
