package org.lorastudio.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class LossCurvePlotTest {
    @Test
    void emaIsDebiasedAndSkipsNonFiniteValues() {
        double[] s = Smoothing.ema(new double[] {Double.NaN, 1, 1, 3, Double.POSITIVE_INFINITY}, 0.5);
        assertThat(s[0]).isNaN();
        assertThat(s[1]).isEqualTo(1.0);
        assertThat(s[2]).isCloseTo(1.0, within(1e-12));
        // (0.5*(0.5*0.5 + 0.5) ... ) debiased: weights 1/7, 2/7, 4/7 over 1, 1, 3
        assertThat(s[3]).isCloseTo((1 + 2 + 4 * 3) / 7.0, within(1e-12));
        assertThat(s[4]).isEqualTo(s[3]);
        assertThat(Smoothing.ema(new double[] {4, 2}, 0)).containsExactly(4, 2);
    }

    @Test
    void theSummaryUsesTheSmoothedCurve() {
        var points = List.of(new org.lorastudio.run.MetricPoint(1, 1, 1.0, 0, 0, 0),
                new org.lorastudio.run.MetricPoint(2, 1, 0.1, 0, 0, 0),
                new org.lorastudio.run.MetricPoint(3, 2, 1.0, 0, 0, 0));
        LossSummary s = LossSummary.of(points, 0.9);
        assertThat(s.minRaw()).isEqualTo(0.1);
        assertThat(s.lastRaw()).isEqualTo(1.0);
        assertThat(s.minSmoothed()).isGreaterThan(0.4);
        assertThat(s.lastEpoch()).isEqualTo(2);
        assertThat(LossSummary.of(List.of(), 0.9).finalSmoothed()).isNull();
    }

    @Test
    void rendersAHeadlessPngWithLinesInTheSeriesColours() throws IOException {
        long[] steps = new long[200];
        double[] loss = new double[200];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i + 1;
            loss[i] = 0.5 * Math.exp(-i / 50.0) + 0.02 * Math.sin(i);
        }
        LossCurvePlot.Series a = new LossCurvePlot.Series("run a", steps, loss);
        LossCurvePlot.Series b = new LossCurvePlot.Series("run b", steps,
                java.util.Arrays.stream(loss).map(v -> v * 1.5).toArray());
        byte[] png = LossCurvePlot.png(List.of(a, b), LossCurvePlot.Options.defaults().withTitle("Loss"));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(img.getWidth()).isEqualTo(800);
        assertThat(img.getHeight()).isEqualTo(450);
        assertThat(countColour(img, 0x1f77b4)).as("blue line of the first run").isGreaterThan(100);

        BufferedImage log = ImageIO.read(new ByteArrayInputStream(LossCurvePlot.png(List.of(a),
                LossCurvePlot.Options.defaults().withLogScale(true))));
        assertThat(countColour(log, 0x1f77b4)).isGreaterThan(100);
        // nothing logged still gives a picture, saying so
        assertThat(LossCurvePlot.png(List.of(), LossCurvePlot.Options.defaults())).isNotEmpty();
    }

    @Test
    void theRunChartDrawsTheValidationLossAsItsOwnSeries(@org.junit.jupiter.api.io.TempDir java.nio.file.Path runs)
            throws IOException {
        org.lorastudio.run.RunFolder run = org.lorastudio.run.RunFolder.create(runs, "demo", "sd15", "name: demo\n");
        try (org.lorastudio.run.MetricsLog log = run.openMetricsLog()) {
            for (int i = 1; i <= 60; i++) {
                java.util.Map<String, Object> extra = i % 10 == 0 ? java.util.Map.of("val_loss", 0.4 - i / 400.0)
                        : java.util.Map.of();
                log.append(new org.lorastudio.run.MetricPoint(i, 1, 0.5 * Math.exp(-i / 20.0), 1e-4, i, 1, extra));
            }
        }
        java.nio.file.Path file = LossCurvePlot.writeForRun(run, LossCurvePlot.Options.defaults()).orElseThrow();
        BufferedImage img = ImageIO.read(file.toFile());
        assertThat(countColour(img, 0x1f77b4)).as("training loss in blue").isGreaterThan(100);
        assertThat(countColour(img, 0xff7f0e)).as("validation loss in orange, with its dots").isGreaterThan(100);

        org.lorastudio.run.RunFolder plain = org.lorastudio.run.RunFolder.create(runs, "plain", "sd15", "name: p\n");
        try (org.lorastudio.run.MetricsLog log = plain.openMetricsLog()) {
            log.append(new org.lorastudio.run.MetricPoint(1, 1, 0.5, 1e-4, 1, 1));
            log.append(new org.lorastudio.run.MetricPoint(2, 1, 0.4, 1e-4, 2, 1));
        }
        BufferedImage one = ImageIO.read(LossCurvePlot.writeForRun(plain, LossCurvePlot.Options.defaults())
                .orElseThrow().toFile());
        assertThat(countColour(one, 0xff7f0e)).as("no validation series without val_loss").isLessThan(20);
    }

    @Test
    void ticksFallOnNiceNumbers() {
        assertThat(Ticks.linear(0, 1, 6)).containsExactly(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0);
        assertThat(Ticks.log(0.01, 1, 8)).containsExactly(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0);
        assertThat(LossCurvePlot.tickLabel(900)).isEqualTo("900");
        assertThat(LossCurvePlot.tickLabel(0.05)).isEqualTo("0.05");
        assertThat(LossCurvePlot.tickLabel(1e-5)).isEqualTo("1e-5");
    }

    /** Pixels within a small distance of a colour (antialiasing blends the line's edges). */
    private static int countColour(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int p = img.getRGB(x, y);
                int dr = ((p >> 16) & 0xff) - ((rgb >> 16) & 0xff);
                int dg = ((p >> 8) & 0xff) - ((rgb >> 8) & 0xff);
                int db = (p & 0xff) - (rgb & 0xff);
                if (Math.abs(dr) + Math.abs(dg) + Math.abs(db) < 40) {
                    n++;
                }
            }
        }
        return n;
    }
}
