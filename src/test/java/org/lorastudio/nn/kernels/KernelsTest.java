package org.lorastudio.nn.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.nn.Functional;

/**
 * The TorchScript kernels load from the archive we write, and each one agrees with its plain-DJL fallback (forward
 * and gradients) — the fallback being what runs with {@code LORASTUDIO_KERNELS=off}.
 */
class KernelsTest {
    @AfterEach
    void kernelsBackOn() {
        Kernels.setEnabled(true);
    }

    @Test
    void archiveLoadsAndEveryKernelIsActive() {
        assertThat(Kernels.failures(Device.cpu())).isEmpty();
        assertThat(Kernels.status()).anyMatch(l -> l.startsWith("attention: torch.scaled_dot_product_attention"))
                .anyMatch(l -> l.startsWith("adamw: torch._fused_adamw_"));
        Kernels.setEnabled(false);
        assertThat(Kernels.status()).anyMatch(l -> l.equals("attention: plain DJL ops (LORASTUDIO_KERNELS=off)"));
    }

    @Test
    void archiveIsTheSameBytesEveryTimeAndCachedUnderItsHash(@TempDir Path dir) throws Exception {
        byte[] a = TorchScriptArchive.write("x", "K", "class K(Module):\n  training : bool\n");
        byte[] b = TorchScriptArchive.write("x", "K", "class K(Module):\n  training : bool\n");
        assertThat(a).isEqualTo(b);
        Path file = Kernels.cached(a, dir);
        assertThat(file.getFileName().toString()).isEqualTo(Kernels.sha256(a).substring(0, 32) + ".pt");
        assertThat(Files.readAllBytes(file)).isEqualTo(a);
        Files.write(file, new byte[] {1, 2, 3}); // a damaged cache file is rewritten
        assertThat(Files.readAllBytes(Kernels.cached(a, dir))).isEqualTo(a);
    }

    @Test
    void aKernelThatIsMissingOrDoesNotCompileIsSwitchedOffWithTheReason(@TempDir Path dir) {
        String head = "class LoraStudioKernels(Module):\n  __parameters__ = []\n  __buffers__ = []\n"
                + "  training : bool\n  def sdpa(self, q: Tensor, k: Tensor, v: Tensor) -> Tensor:\n"
                + "    return torch.scaled_dot_product_attention(q, k, v)\n"
                + "  def sdpa_mask(self, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:\n";
        Map<Kernels.Kernel, String> noAdamw = Kernels.failuresOf(head
                + "    return torch.scaled_dot_product_attention(q, k, v, mask)\n", dir);
        assertThat(noAdamw).containsOnlyKeys(Kernels.Kernel.ADAMW, Kernels.Kernel.LION, Kernels.Kernel.SGD,
                Kernels.Kernel.CAST);
        assertThat(noAdamw.get(Kernels.Kernel.ADAMW)).contains("adamw");
        assertThat(noAdamw.get(Kernels.Kernel.LION)).contains("lion");
        // The whole class compiles at load time: an unknown op anywhere takes every kernel off.
        Map<Kernels.Kernel, String> unknownOp = Kernels.failuresOf(head + "    return torch.no_such_op(q)\n", dir);
        assertThat(unknownOp).containsOnlyKeys(Kernels.Kernel.values());
        assertThat(unknownOp.get(Kernels.Kernel.ATTENTION)).startsWith("the module did not load: ")
                .contains("no_such_op");
    }

    @Test
    void dataPickleIsTheModuleObjectWithTrainingFalse() {
        byte[] p = TorchScriptArchive.moduleObject("K");
        String ascii = new String(p, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(ascii).isEqualTo("\u0080\u0002c__torch__\nK\n)\u0081}X\u0008\u0000\u0000\u0000training\u0089sb.");
        assertThat(TorchScriptArchive.emptyTuple()).containsExactly(0x80, 0x02, ')', '.');
    }

    @Test
    void attentionMatchesTheFallbackWithAndWithoutMaskAndChunks() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(7);
            NDArray q = m.randomNormal(new Shape(2, 37, 40));
            NDArray k = m.randomNormal(new Shape(2, 19, 40));
            NDArray v = m.randomNormal(new Shape(2, 19, 40));
            NDArray mask = m.randomNormal(new Shape(1, 1, 37, 19)).mul(3);
            for (NDArray mk : new NDArray[] {null, mask}) {
                for (int chunk : new int[] {0, 8}) {
                    long before = Kernels.Kernel.ATTENTION.calls();
                    NDArray fused = Functional.attention(q, k, v, 4, mk, chunk);
                    assertThat(Kernels.Kernel.ATTENTION.calls()).isGreaterThan(before);
                    Kernels.setEnabled(false);
                    NDArray plain = Functional.attention(q, k, v, 4, mk, chunk);
                    Kernels.setEnabled(true);
                    assertThat(maxAbs(fused, plain)).as("mask %s chunk %d", mk != null, chunk).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void halfPrecisionAttentionMatchesTheFallback() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(5);
            NDArray q = m.randomNormal(new Shape(1, 64, 32)).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
            NDArray k = m.randomNormal(new Shape(1, 77, 32)).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
            NDArray fused = Functional.attention(q, k, k, 2, null, 0);
            Kernels.setEnabled(false);
            NDArray plain = Functional.attention(q, k, k, 2, null, 0);
            assertThat(fused.getDataType()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT16);
            // fp16 rounding of the plain path's scores and probabilities: a few 1e-3 on values of size 1.
            assertThat(maxAbs(fused.toType(ai.djl.ndarray.types.DataType.FLOAT32, false),
                    plain.toType(ai.djl.ndarray.types.DataType.FLOAT32, false))).isLessThan(1e-2);
        }
    }

    /**
     * The cast kernel gives DJL's values both ways and keeps the graph: the fp16 input of {@code sum(w ·
     * float(x))} gets gradient w (in fp16), and a fp32 leaf behind {@code half()} gets its gradient too. DJL's own
     * cast (the fallback) gives the same values but no gradient at all (why fp16 training needs the kernel).
     */
    @Test
    void castKeepsTheGraphAndMatchesTheFallbackValues() {
        DataType f16 = DataType.FLOAT16;
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(3);
            NDArray w = m.randomNormal(new Shape(4, 5));
            NDArray x = m.randomNormal(new Shape(4, 5)).toType(f16, false);
            x.setRequiresGradient(true);
            NDArray leaf = m.randomNormal(new Shape(4, 5));
            leaf.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray up = Kernels.cast(x, DataType.FLOAT32).orElseThrow();
                NDArray down = Kernels.cast(leaf, f16).orElseThrow();
                assertThat(up.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(down.getDataType()).isEqualTo(f16);
                assertThat(maxAbs(up, x.toType(DataType.FLOAT32, false))).isZero();
                assertThat(maxAbs(down, leaf.toType(f16, false))).isZero();
                gc.backward(up.mul(w).sum().add(Kernels.cast(down, DataType.FLOAT32).orElseThrow().mul(w).sum()));
            }
            assertThat(x.getGradient().getDataType()).isEqualTo(f16);
            NDArray wHalf = w.toType(f16, false).toType(DataType.FLOAT32, false); // the gradient passes fp16
            assertThat(maxAbs(x.getGradient().toType(DataType.FLOAT32, false), wHalf)).isZero();
            assertThat(maxAbs(leaf.getGradient(), wHalf)).isZero();
            NDArray named = m.randomNormal(new Shape(3));
            named.setRequiresGradient(true);
            named.setName("lora_down.weight"); // a name must not make the cast fall back (and cut the graph)
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Kernels.cast(named, f16).orElseThrow().sum());
            }
            assertThat(named.getGradient().toFloatArray()).containsExactly(1f, 1f, 1f);
            Kernels.setEnabled(false);
            assertThat(Kernels.cast(x, DataType.FLOAT32)).isEmpty();
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                assertThat(Functional.cast(leaf, f16).hasGradient()).isFalse(); // DJL's toType: graph cut
            }
        }
    }

    @Test
    void attentionGradientsFlowToQueryKeyAndValueAndMatchTheFallback() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            m.getEngine().setRandomSeed(11);
            NDArray q = m.randomNormal(new Shape(2, 16, 24));
            NDArray k = m.randomNormal(new Shape(2, 16, 24));
            NDArray v = m.randomNormal(new Shape(2, 16, 24));
            NDArray w = m.randomNormal(new Shape(2, 16, 24));
            NDArray causal = causal(m, 16);
            Supplier<NDList> grads = () -> { // fresh leaves each time: DJL accumulates gradients until zeroed
                NDArray[] in = {q.duplicate(), k.duplicate(), v.duplicate()};
                for (NDArray a : in) {
                    a.setRequiresGradient(true);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(Functional.attention(in[0], in[1], in[2], 3, causal, 0).mul(w).sum());
                }
                return new NDList(in[0].getGradient(), in[1].getGradient(), in[2].getGradient());
            };
            NDList fused = grads.get();
            Kernels.setEnabled(false);
            NDList plain = grads.get();
            for (int i = 0; i < 3; i++) {
                assertThat(fused.get(i).abs().sum().getFloat()).isGreaterThan(0f);
                assertThat(maxAbs(fused.get(i), plain.get(i))).as("gradient %d", i).isLessThan(1e-4);
            }
        }
    }

    private static NDArray causal(NDManager m, int t) {
        float[] a = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                a[i * t + j] = -Float.MAX_VALUE;
            }
        }
        return m.create(a, new Shape(1, 1, t, t));
    }

    static double maxAbs(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
