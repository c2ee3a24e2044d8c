package org.lorastudio.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.lorastudio.ui.common.CurveCanvas;

/** The per-column reduction and the EMA, without drawing. */
class LossCanvasTest {
    @Test
    void envelopeKeepsMinAndMaxPerColumnOf100kPoints() {
        LossSeries s = new LossSeries();
        for (int i = 1; i <= 100_000; i++) {
            s.add(i, i % 2 == 0 ? 1.0 : 3.0, 1e-3);
        }
        float[] env = CurveCanvas.envelope(LossCanvas.points(s.stepsArray(), s.lossArray(), s.size()), 1, 100_000, 500,
                false);
        assertThat(env).hasSize(1000);
        for (int c = 0; c < 500; c++) {
            assertThat(env[2 * c]).isEqualTo(1f);
            assertThat(env[2 * c + 1]).isEqualTo(3f);
        }
    }

    @Test
    void logScaleSkipsNonPositiveValues() {
        LossSeries s = new LossSeries();
        s.add(1, 0.0, 0);
        s.add(2, 100.0, 0);
        float[] env = CurveCanvas.envelope(LossCanvas.points(s.stepsArray(), s.lossArray(), s.size()), 1, 2, 2, true);
        assertThat(env[0]).isNaN();
        assertThat(env[2]).isEqualTo(2f);
    }

    @Test
    void emaIsBiasCorrectedAndFollowsSmoothingChanges() {
        LossSeries s = new LossSeries();
        s.add(1, 2.0, 0);
        s.add(2, 2.0, 0);
        assertThat(s.ema(0.9)[0]).isEqualTo(2f);
        assertThat(s.ema(0.9)[1]).isEqualTo(2f);
        s.add(3, 4.0, 0);
        assertThat(s.ema(0.0)[2]).isEqualTo(4f);
        assertThat(s.ema(0.5)[2]).isBetween(2f, 4f);
    }

    @Test
    void theAxisTitleNamesTheValidationLineOnceThereIsOne() {
        LossSeries s = new LossSeries();
        s.add(1, 0.5, 1e-3);
        assertThat(LossCanvas.leftTitle(s)).isEqualTo("loss");
        s.addValidation(1, 0.4);
        assertThat(LossCanvas.leftTitle(s)).isEqualTo("loss (green: validation)");
    }
}
