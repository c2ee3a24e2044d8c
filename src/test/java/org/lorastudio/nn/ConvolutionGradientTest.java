package org.lorastudio.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.lorastudio.runtime.NativeThreads;

/**
 * Pins the oneDNN 3.7 convolution fault (issue 13): forward, input gradient and weight gradient of every
 * convolution shape kind our networks use — 3×3 and 1×1, stride 1 and 2, the SD 1.5 / tiny-model channel counts, LoCon
 * ranks and the awkward out-channel counts 1–33 — through {@link Convolution}, in fp32, against libtorch's fp64
 * convolution (which does not use oneDNN), on 1, 2 and 4 intra-op threads. On a CPU that shows the fault (AMD Zen 5
 * here) the raw call fails this comparison for k &gt; 1, stride 1, out % 16 != 0; the seam must pass it everywhere.
 */
class ConvolutionGradientTest {
    private static final double TOLERANCE = 1e-5; // fp32 against fp64 over ≤ 320·9 products: ~1e-7 seen

    @Test
    void forwardAndBothGradientsMatchFloat64OnEveryThreadCount() {
        int before = NativeThreads.intraOp();
        List<String> failures = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int threads : new int[] {1, 2, 4}) {
                NativeThreads.setIntraOp(threads);
                for (int kernel : new int[] {3, 1}) {
                    for (int stride : new int[] {1, 2}) {
                        for (int out = 1; out <= 33; out++) {
                            check(m, 8, out, kernel, stride, 9, threads, failures);
                        }
                    }
                }
                // Shapes of the networks: tiny UNet conv_out 32→4, SD 1.5 conv_out 320→4, VAE 64→8, LoCon rank 4.
                check(m, 32, 4, 3, 1, 8, threads, failures);
                check(m, 320, 4, 3, 1, 8, threads, failures);
                check(m, 64, 8, 3, 1, 8, threads, failures);
                check(m, 4, 320, 3, 1, 8, threads, failures);
            }
        } finally {
            NativeThreads.setIntraOp(before);
        }
        assertThat(failures).as("convolutions whose fp32 result differs from fp64").isEmpty();
    }

    @Test
    void paddingIsOnlyAppliedWhereTheFaultLives() {
        assertThat(Convolution.needsPadding(4, 3, 1)).isTrue();
        assertThat(Convolution.needsPadding(16, 3, 1)).isFalse();
        assertThat(Convolution.needsPadding(4, 1, 1)).isFalse();
        assertThat(Convolution.needsPadding(4, 3, 2)).isFalse();
    }

    private static void check(NDManager m, int in, int out, int kernel, int stride, int size, int threads,
            List<String> failures) {
        try (NDManager sm = m.newSubManager()) {
            sm.getEngine().setRandomSeed(in * 1000 + out * 10 + kernel + stride);
            NDArray x = sm.randomNormal(new Shape(2, in, size, size));
            NDArray w = sm.randomNormal(new Shape(out, in, kernel, kernel));
            NDArray b = sm.randomNormal(new Shape(out));
            Result f32 = run(x, w, b, kernel, stride, DataType.FLOAT32, false);
            Result f64 = run(x, w, b, kernel, stride, DataType.FLOAT64, true);
            String shape = String.format("in %d out %d k %d stride %d threads %d", in, out, kernel, stride, threads);
            compare("forward", shape, f32.y, f64.y, failures);
            compare("input gradient", shape, f32.gx, f64.gx, failures);
            compare("weight gradient", shape, f32.gw, f64.gw, failures);
        }
    }

    private record Result(float[] y, float[] gx, float[] gw) {
    }

    private static Result run(NDArray x0, NDArray w0, NDArray b0, int kernel, int stride, DataType type,
            boolean reference) {
        NDArray x = x0.toType(type, true);
        NDArray w = w0.toType(type, true);
        NDArray b = b0.toType(type, true);
        x.setRequiresGradient(true);
        w.setRequiresGradient(true);
        NDArray y;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            y = reference ? Convolution.raw(x, w, b, stride, kernel / 2)
                    : Convolution.conv2d(x, w, b, stride, kernel / 2);
            // A fixed, non-uniform upstream gradient: every output element weighs differently.
            NDArray gy = y.getManager().arange(0f, (float) y.size(), 1f, type).reshape(y.getShape()).sin();
            gc.backward(y.mul(gy).sum());
        }
        return new Result(floats(y), floats(x.getGradient()), floats(w.getGradient()));
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, true).toFloatArray();
    }

    private static void compare(String what, String shape, float[] actual, float[] expected, List<String> failures) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = actual[i] - expected[i];
            num += d * d;
            den += (double) expected[i] * expected[i];
        }
        double rel = Math.sqrt(num / Math.max(den, 1e-30));
        if (!(rel < TOLERANCE)) {
            failures.add(String.format("%s, %s: relative error %.3g", what, shape, rel));
        }
    }
}
