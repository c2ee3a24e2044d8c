package org.lorastudio.ui.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lorastudio.ui.train.LossCanvas;
import org.lorastudio.ui.train.LossSeries;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Chart update cost at 100,000 points for both charts (prints figures; excluded by default): the Compare chart with
 * four runs of 100,000 points (raw and EMA), the Train chart with one run of 100,000 steps, each as FX-thread time
 * for the update plus CSS and layout, and with a snapshot that forces the canvas to be rasterized; then a live
 * append at 100,000 points/s into the Train chart. Run with
 * {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=LossChartBenchmark}.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class LossChartBenchmark {
    static final int POINTS = 100_000;
    LossChart compare;
    LossCanvas train;

    @Start
    void start(Stage stage) {
        compare = new LossChart();
        train = new LossCanvas();
        compare.setPrefSize(1000, 300);
        train.setPrefSize(1000, 300);
        stage.setScene(new Scene(new VBox(compare, train), 1000, 600));
        stage.show();
    }

    @Test
    void redrawAndLiveAppendAt100kPoints(FxRobot robot) throws Exception {
        double[] x = new double[POINTS];
        double[] y = new double[POINTS];
        java.util.Random rnd = new java.util.Random(1);
        LossSeries series = new LossSeries();
        for (int i = 0; i < POINTS; i++) {
            x[i] = i + 1;
            y[i] = 0.5 * Math.exp(-3.0 * i / POINTS) + 0.02 + rnd.nextGaussian() * 0.01;
            series.add(i + 1, y[i], 1e-4 * (1 - (double) i / POINTS));
        }
        LossCurves.Curve raw = new LossCurves.Curve("run", x, y);
        measure(robot, "Compare chart, 4 runs x 100,000 points (raw + EMA smoothing 0.6)", log -> {
            List<LossCurves.Curve> run = List.of(raw, LossCurves.smooth(raw, 0.6));
            compare.show(List.of(run, run, run, run), "Step", log == 1);
        }, compare);
        measure(robot, "Train chart, 100,000 steps (raw + EMA 0.9 + LR)", log -> train.show(series, 0.9, log == 1),
                train);

        // live: a producer appends 1,000 points every 10 ms (100,000 points/s); the FX thread redraws at most once
        // per pulse from the newest count (coalesced, as STYLE 9 asks)
        LossSeries live = new LossSeries();
        AtomicInteger produced = new AtomicInteger();
        AtomicLong lastPulse = new AtomicLong();
        AtomicLong maxGap = new AtomicLong();
        AtomicLong maxRedraw = new AtomicLong();
        AtomicInteger pulses = new AtomicInteger();
        AtomicInteger redraws = new AtomicInteger();
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long prev = lastPulse.getAndSet(now);
                if (prev != 0) {
                    maxGap.accumulateAndGet(now - prev, Math::max);
                }
                pulses.incrementAndGet();
                int n = produced.get();
                if (n != live.size()) {
                    long t0 = System.nanoTime();
                    for (int i = live.size(); i < n; i++) {
                        live.add(i + 1, y[i], 1e-4);
                    }
                    train.show(live, 0.9, false);
                    maxRedraw.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    redraws.incrementAndGet();
                }
            }
        };
        robot.interact(timer::start);
        long start = System.nanoTime();
        while (produced.get() < POINTS) {
            produced.set(Math.min(POINTS, produced.get() + 1000));
            Thread.sleep(10);
        }
        Thread.sleep(300);
        robot.interact(timer::stop);
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "[bench] Train chart live append: %,d points in %.1f s, %d pulses (%.0f/s), "
                        + "%d redraws, longest pulse gap %.1f ms, longest append+redraw %.1f ms%n", POINTS, secs,
                pulses.get(), pulses.get() / secs, redraws.get(), maxGap.get() / 1e6, maxRedraw.get() / 1e6);
    }

    private static void measure(FxRobot robot, String what, IntConsumer update, javafx.scene.Node node)
            throws Exception {
        int rounds = 6;
        long[] fx = new long[rounds];
        long[] painted = new long[rounds];
        for (int r = 0; r < rounds; r++) {
            int round = r;
            WaitForAsyncUtils.asyncFx(() -> {
                long t0 = System.nanoTime();
                update.accept(round % 2);
                node.applyCss();
                ((javafx.scene.Parent) node).layout();
                fx[round] = System.nanoTime() - t0;
                node.snapshot(null, null);
                painted[round] = System.nanoTime() - t0;
            }).get(60, TimeUnit.SECONDS);
        }
        Arrays.sort(fx);
        Arrays.sort(painted);
        System.out.printf(Locale.ROOT, "[bench] %s: update+layout best %.1f ms, median %.1f ms; with rasterizing "
                + "(snapshot) best %.1f ms, median %.1f ms%n", what, fx[0] / 1e6, fx[rounds / 2] / 1e6,
                painted[0] / 1e6, painted[rounds / 2] / 1e6);
    }
}
