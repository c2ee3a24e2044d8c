package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class LossesTest {
    @Test
    void mseIsTheMeanOverAllElements() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 1, 1, 2));
            NDArray target = m.create(new float[] {0, 0, 3, 0}, new Shape(2, 1, 1, 2));
            assertThat(Losses.mse(pred, target).getFloat()).isEqualTo((1 + 4 + 0 + 16) / 4f);
            assertThat(Losses.perSampleMse(pred, target).toFloatArray()).containsExactly(2.5f, 8f);
        }
    }

    @Test
    void minSnrWeightsForEpsilonAndV() {
        double[] snr = {10, 2, 5};
        assertThat(Losses.minSnrWeights(snr, 5, PredictionType.EPSILON)).containsExactly(0.5f, 1f, 1f);
        assertThat(Losses.minSnrWeights(snr, 5, PredictionType.V_PREDICTION))
                .containsExactly(new float[] {5f / 11, 2f / 3, 5f / 6}, within(1e-7f));
        // FORMATS §5 reference: ᾱ_0 = 0.99915 → SNR ≈ 1175.5
        assertThat(Losses.snr(0.99915)).isCloseTo(1175.5, within(0.1));
    }

    @Test
    void minSnrLossWeightsEachSampleThenAverages() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 1, 1, 2));
            NDArray target = m.zeros(new Shape(2, 1, 1, 2));
            // per-sample MSE {2.5, 12.5}; weights {5/10, 1}
            float loss = Losses.minSnrMse(pred, target, new double[] {10, 1}, 5, PredictionType.EPSILON).getFloat();
            assertThat(loss).isCloseTo((2.5f * 0.5f + 12.5f) / 2, within(1e-6f));
        }
    }

    @Test
    void noiseOffsetAddsOnePerChannelConstantDrawnFromTheEngineRng() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray noise = m.zeros(new Shape(2, 3, 4, 4));
            Engine.getInstance().setRandomSeed(7);
            NDArray a = Losses.applyNoiseOffset(noise, 0.1);
            Engine.getInstance().setRandomSeed(7);
            NDArray b = Losses.applyNoiseOffset(noise, 0.1);
            assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
            assertThat(a.getShape()).isEqualTo(noise.getShape());
            // constant over H, W within each (b, c); not all equal across channels
            NDArray flat = a.reshape(6, 16); // (B*C, H*W)
            NDArray spread = flat.max(new int[] {1}).sub(flat.min(new int[] {1}));
            assertThat(spread.abs().max().getFloat()).isZero();
            assertThat(a.abs().max().getFloat()).isPositive().isLessThan(1f);
            assertThat(Losses.applyNoiseOffset(noise, 0)).isSameAs(noise);
        }
    }
}
