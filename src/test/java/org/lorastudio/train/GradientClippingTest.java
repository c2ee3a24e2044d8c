package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    private static Map<String, NDArray> withGrads(NDManager m, float[] g1, float[] g2) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("x", m.zeros(new ai.djl.ndarray.types.Shape(g1.length)));
        p.put("y", m.zeros(new ai.djl.ndarray.types.Shape(g2.length)));
        p.values().forEach(a -> a.setRequiresGradient(true));
        GradTestSupport.setGradients(p, Map.of("x", m.create(g1), "y", m.create(g2)));
        return p;
    }

    @Test
    void clipsByGlobalNormIncludingNegativeGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = withGrads(m, new float[] {3f}, new float[] {-4f, 0f});
            double norm = GradientClipping.clipByGlobalNorm(p.values(), 1.0);
            assertThat(norm).isCloseTo(5.0, within(1e-6));
            double coef = 1.0 / (5.0 + 1e-6);
            assertThat(p.get("x").getGradient().toFloatArray()).containsExactly(new float[] {(float) (3 * coef)},
                    within(1e-7f));
            assertThat(p.get("y").getGradient().toFloatArray())
                    .containsExactly(new float[] {(float) (-4 * coef), 0f}, within(1e-7f));
            assertThat(GradientClipping.globalNorm(p.values())).isCloseTo(1.0, within(1e-6));
        }
    }

    @Test
    void aSingleLargeNegativeGradientIsScaledNotLeftAsIs() {
        // DJL's optClipGrad is clamp_max only: -5 would stay -5 (FORMATS §8).
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = withGrads(m, new float[] {-5f}, new float[] {0f});
            GradientClipping.clipByGlobalNorm(List.copyOf(p.values()), 1.0);
            assertThat(p.get("x").getGradient().getFloat(0)).isCloseTo(-1f, within(1e-6f));
        }
    }

    @Test
    void smallNormsAndZeroMaxNormLeaveGradientsUnchanged() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = withGrads(m, new float[] {0.3f}, new float[] {-0.4f});
            assertThat(GradientClipping.clipByGlobalNorm(p.values(), 1.0)).isCloseTo(0.5, within(1e-7));
            assertThat(p.get("y").getGradient().getFloat(0)).isEqualTo(-0.4f);

            Map<String, NDArray> q = withGrads(m, new float[] {30f}, new float[] {-40f});
            assertThat(GradientClipping.clipByGlobalNorm(q.values(), 0)).isCloseTo(50, within(1e-5));
            assertThat(q.get("y").getGradient().getFloat(0)).as("max_grad_norm 0 = off").isEqualTo(-40f);
        }
    }
}
