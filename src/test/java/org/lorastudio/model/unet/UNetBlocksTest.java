package org.lorastudio.model.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.nn.Weights;

class UNetBlocksTest {
    @Test
    void timestepEmbeddingPutsCosFirstWithDivisorHalf() {
        try (NDManager m = NDManager.newBaseManager()) {
            Timesteps tp = new Timesteps(8, true, 0);
            float[] e = tp.forward(m.create(new float[] {0f, 999.5f})).toFloatArray();
            assertThat(e).hasSize(16);
            for (int i = 0; i < 4; i++) {
                double freq = Math.exp(-Math.log(10000) * i / 4);
                assertThat(e[i]).isEqualTo(1f); // cos(0)
                assertThat(e[4 + i]).isEqualTo(0f); // sin(0)
                assertThat((double) e[8 + i]).isCloseTo(Math.cos(999.5 * freq), offset(2e-4));
                assertThat((double) e[12 + i]).isCloseTo(Math.sin(999.5 * freq), offset(2e-4));
            }
        }
    }

    @Test
    void timestepShiftChangesTheDivisorAndNoFlipPutsSinFirst() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] e = new Timesteps(4, false, 1).forward(m.create(new long[] {10})).toFloatArray();
            // half = 2, divisor 2 − 1 = 1: freqs 1 and 1e-4
            assertThat(e[0]).isCloseTo((float) Math.sin(10), offset(1e-6f));
            assertThat(e[1]).isCloseTo((float) Math.sin(10e-4), offset(1e-6f));
            assertThat(e[2]).isCloseTo((float) Math.cos(10), offset(1e-6f));
        }
    }

    @Test
    void resnetHasAShortcutConvOnlyWhenChannelsChange() {
        ResnetSpec spec = new ResnetSpec(16, 4, 1e-5f, 1f);
        assertThat(new ResnetBlock2D(8, 8, spec).namedParameters()).doesNotContainKey("conv_shortcut.weight");
        assertThat(new ResnetBlock2D(8, 12, spec).namedParameters().get("conv_shortcut.weight").shape())
                .isEqualTo(new Shape(12, 8, 1, 1));
    }

    @Test
    void gegluMultipliesTheFirstHalfByGeluOfTheSecond() {
        try (NDManager m = NDManager.newBaseManager()) {
            GEGLU g = new GEGLU(1, 1);
            // proj: value = 3x, gate = x
            Weights.initialize(g, m, p -> p.name().equals("weight")
                    ? m.create(new float[] {3, 1}, new Shape(2, 1)) : m.zeros(new Shape(2)));
            float x = 0.7f;
            double gelu = 0.5 * x * (1 + erf(x / Math.sqrt(2)));
            assertThat((double) g.forward(m.create(new float[] {x}, new Shape(1, 1))).getFloat())
                    .isCloseTo(3 * x * gelu, offset(1e-6));
        }
    }

    @Test
    void downsampleWithoutPaddingPadsRightAndBottomOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Downsample2D d = new Downsample2D(1, 0);
            // kernel picks the bottom-right tap: output (i, j) = input (2i+2, 2j+2), zero beyond the edge
            float[] k = new float[9];
            k[8] = 1;
            Weights.initialize(d, m, p -> p.name().equals("weight")
                    ? m.create(k, new Shape(1, 1, 3, 3)) : m.zeros(new Shape(1)));
            NDArray x = m.arange(16f).reshape(1, 1, 4, 4);
            assertThat(d.forward(x).toFloatArray()).containsExactly(10, 0, 0, 0);
        }
    }

    @Test
    void upsampleGoesToTheRequestedSize() {
        try (NDManager m = NDManager.newBaseManager()) {
            Upsample2D u = new Upsample2D(2);
            Weights.initialize(u, m, p -> m.zeros(p.shape()));
            NDArray x = m.ones(new Shape(1, 2, 3, 4));
            assertThat(u.forward(x, null).getShape()).isEqualTo(new Shape(1, 2, 6, 8));
            assertThat(u.forward(x, new long[] {5, 7}).getShape()).isEqualTo(new Shape(1, 2, 5, 7));
        }
    }

    /** Abramowitz–Stegun 7.1.26 is too coarse here; a series is exact enough for |x| < 1. */
    private static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 30; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
