package org.lorastudio.ui.compare;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Loss chart cost at 100,000 points (prints figures; excluded by default). Run with
 * {@code mvn test -Dsurefire.excludedGroups= -Dtest=LossChartBenchmark}.
 */
@Tag("slow")
@ExtendWith(ApplicationExtension.class)
class LossChartBenchmark {
    static final int POINTS = 100_000;
    LossChart chart;

    @Start
    void start(Stage stage) {
        chart = new LossChart();
        stage.setScene(new Scene(chart, 1000, 600));
        stage.show();
    }

    @Test
    void redrawAndLiveAppendAt100kPoints(FxRobot robot) throws Exception {
        double[] x = new double[POINTS];
        double[] y = new double[POINTS];
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < POINTS; i++) {
            x[i] = i + 1;
            y[i] = 0.5 * Math.exp(-3.0 * i / POINTS) + 0.02 + rnd.nextGaussian() * 0.01;
        }
        LossCurves.Curve raw = new LossCurves.Curve("run", x, y);
        // full redraw: smoothing + decimation of 4 runs × 100k points, then the chart update and a layout pulse
        long[] best = {Long.MAX_VALUE};
        long[] prep = {Long.MAX_VALUE};
        for (int r = 0; r < 5; r++) {
            boolean log = r % 2 == 1;
            WaitForAsyncUtils.asyncFx(() -> {
                long t0 = System.nanoTime();
                List<List<LossCurves.Curve>> curves = List.of(LossCurves.forChart(raw, 0.6, false),
                        LossCurves.forChart(raw, 0.6, false), LossCurves.forChart(raw, 0.6, false),
                        LossCurves.forChart(raw, 0.6, false));
                long t1 = System.nanoTime();
                chart.show(curves, "Step", log);
                chart.applyCss();
                chart.layout();
                long t2 = System.nanoTime();
                prep[0] = Math.min(prep[0], t1 - t0);
                best[0] = Math.min(best[0], t2 - t0);
            }).get(30, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "LossChart redraw, 4 runs x %,d points (raw+EMA, decimated to %d points per"
                + " series): best %.1f ms total, of which %.1f ms smoothing+decimation; %d points drawn%n", POINTS,
                LossCurves.MAX_POINTS, best[0] / 1e6, prep[0] / 1e6, chart.pointCount());

        // live: a producer thread appends 1,000 points every 10 ms (100,000 points/s) up to 100k; the FX thread
        // redraws at most once per pulse from the newest count (coalesced, as STYLE 9 asks)
        AtomicInteger produced = new AtomicInteger();
        AtomicLong lastPulse = new AtomicLong();
        AtomicLong maxGap = new AtomicLong();
        AtomicLong maxRedraw = new AtomicLong();
        AtomicInteger pulses = new AtomicInteger();
        AtomicInteger redraws = new AtomicInteger();
        int[] drawn = {0};
        AnimationTimer timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                long prev = lastPulse.getAndSet(now);
                if (prev != 0) {
                    maxGap.accumulateAndGet(now - prev, Math::max);
                }
                pulses.incrementAndGet();
                int n = produced.get();
                if (n != drawn[0]) {
                    long t0 = System.nanoTime();
                    LossCurves.Curve c = new LossCurves.Curve("live", java.util.Arrays.copyOf(x, n),
                            java.util.Arrays.copyOf(y, n));
                    chart.show(List.of(LossCurves.forChart(c, 0.6, false)), "Step", false);
                    maxRedraw.accumulateAndGet(System.nanoTime() - t0, Math::max);
                    redraws.incrementAndGet();
                    drawn[0] = n;
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
        System.out.printf(Locale.ROOT, "LossChart live append: %,d points in %.1f s, %d pulses (%.0f/s), %d redraws,"
                + " longest pulse gap %.1f ms, longest redraw %.1f ms%n", POINTS, secs, pulses.get(),
                pulses.get() / secs, redraws.get(), maxGap.get() / 1e6, maxRedraw.get() / 1e6);
    }
}
