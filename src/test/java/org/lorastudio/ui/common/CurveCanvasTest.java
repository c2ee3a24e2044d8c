package org.lorastudio.ui.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-pixel-column reduction both charts draw from, without drawing. */
class CurveCanvasTest {
    @Test
    void envelopeKeepsEverySpikeOf100kPointsInItsColumn() {
        int n = 100_000;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = 1.0 + 0.001 * Math.sin(i);
        }
        y[54_321] = 50; // one diverging step
        y[77_777] = -3;
        float[] env = CurveCanvas.envelope(CurveCanvas.Points.of(x, y, n), 1, n, 800, false);
        assertThat(env).hasSize(1600);
        int spikeColumn = (int) ((54_322 - 1.0) / (n - 1) * 799 + 0.5);
        assertThat(env[2 * spikeColumn + 1]).isEqualTo(50f);
        int dipColumn = (int) ((77_778 - 1.0) / (n - 1) * 799 + 0.5);
        assertThat(env[2 * dipColumn]).isEqualTo(-3f);
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < 800; c++) {
            assertThat(env[2 * c]).as("column %d has points", c).isNotNaN();
            if (c != spikeColumn) {
                max = Math.max(max, env[2 * c + 1]);
            }
        }
        assertThat(max).isLessThan(1.01f);
    }

    @Test
    void epochFractionsSpreadOverTheColumnsAndOnlyTheGivenCountIsRead() {
        double[] x = {0.0, 0.5, 1.0, 99};
        double[] y = {4, 2, 1, 1000};
        float[] env = CurveCanvas.envelope(CurveCanvas.Points.of(x, y, 3), 0, 1, 3, false);
        assertThat(env).containsExactly(4f, 4f, 2f, 2f, 1f, 1f);
    }

    @Test
    void logScaleSkipsNonPositiveAndNonFiniteValues() {
        double[] x = {1, 2, 3};
        double[] y = {0, 100, Double.NaN};
        float[] env = CurveCanvas.envelope(CurveCanvas.Points.of(x, y, 3), 1, 3, 3, true);
        assertThat(env[0]).isNaN();
        assertThat(env[2]).isEqualTo(2f);
        assertThat(env[4]).isNaN();
    }

    @Test
    void rasterizedLineIsConnectedAndBlendsFaintColours() {
        int w = 10;
        int h = 10;
        int[] px = new int[w * h];
        // a line from the top-left to the bottom-right, one point per column
        double[] x = new double[w];
        double[] y = new double[w];
        for (int i = 0; i < w; i++) {
            x[i] = i;
            y[i] = w - 1 - i;
        }
        float[] env = CurveCanvas.envelope(CurveCanvas.Points.of(x, y, w), 0, w - 1, w, false);
        CurveCanvas.rasterize(px, w, h, env, new double[] {0, w - 1}, javafx.scene.paint.Color.RED, 1);
        for (int c = 0; c < w; c++) {
            assertThat(px[c * w + c]).as("pixel on the diagonal at column %d", c).isEqualTo(0xffff0000);
        }
        assertThat(px[9 * w]).as("below the line").isZero();
        int[] faint = new int[1];
        CurveCanvas.rasterize(faint, 1, 1, new float[] {0, 0}, new double[] {0, 1},
                javafx.scene.paint.Color.color(0, 0, 1, 0.5), 1);
        assertThat(faint[0] >>> 24).isBetween(126, 129);
        assertThat(faint[0] & 0xff).isEqualTo(255);
    }

    @Test
    void ticksAreRoundNumbers() {
        assertThat(CurveCanvas.niceStep(19_999.8)).isEqualTo(20_000);
        assertThat(CurveCanvas.niceStep(0.31)).isEqualTo(0.5);
        assertThat(CurveCanvas.niceStep(7)).isEqualTo(10);
    }
}
