package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.kernels.Kernels;
import org.junit.jupiter.api.io.TempDir;

class OptimizerTest {
    @TempDir
    Path tmp;

    /** Two small parameters and deterministic per-step gradients (including negative values). */
    private static Map<String, NDArray> params(NDManager m) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("a.lora_down.weight", m.create(new float[] {0.5f, -1.0f, 0.25f, 2.0f, -0.75f, 0.1f}, new Shape(2, 3)));
        p.put("a.lora_up.weight", m.create(new float[] {0f, 0f, 0f, 0f}, new Shape(4, 1)));
        p.values().forEach(a -> a.setRequiresGradient(true));
        return p;
    }

    private static Map<String, NDArray> grads(NDManager m, int step) {
        Map<String, NDArray> g = new LinkedHashMap<>();
        float s = step + 1;
        g.put("a.lora_down.weight", m.create(new float[] {0.1f * s, -0.2f, 0.3f / s, -0.4f * s, 0.05f, -1e-3f},
                new Shape(2, 3)));
        g.put("a.lora_up.weight", m.create(new float[] {-0.5f, 0.5f / s, 1e-4f, -2f}, new Shape(4, 1)));
        return g;
    }

    private static void train(Optimizer opt, Map<String, NDArray> p, NDManager m, int from, int to) {
        for (int step = from; step < to; step++) {
            GradTestSupport.setGradients(p, grads(m, step));
            opt.step(p, 1e-2 * (1 + step % 3));
        }
    }

    private static Map<String, float[]> values(Map<String, NDArray> p) {
        Map<String, float[]> out = new LinkedHashMap<>();
        p.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private void resumeIsBitIdentical(Supplier<Optimizer> factory) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> straight = params(m);
            try (Optimizer opt = factory.get()) {
                train(opt, straight, m, 0, 6);
            }
            Map<String, NDArray> resumed = params(m);
            Path state = tmp.resolve("optimizer.safetensors");
            Map<String, float[]> weightsAtCheckpoint;
            try (Optimizer opt = factory.get()) {
                train(opt, resumed, m, 0, 3);
                opt.state().save(state);
                weightsAtCheckpoint = values(resumed);
            }
            // A fresh process would reload the weights; here they are rebuilt from the saved values.
            Map<String, NDArray> reloaded = new LinkedHashMap<>();
            weightsAtCheckpoint.forEach((k, v) -> {
                NDArray a = m.create(v, resumed.get(k).getShape());
                a.setRequiresGradient(true);
                reloaded.put(k, a);
            });
            try (Optimizer opt = factory.get()) {
                opt.restore(OptimizerState.load(state));
                assertThat(opt.stepCount()).isEqualTo(3);
                train(opt, reloaded, m, 3, 6);
                assertThat(opt.stepCount()).isEqualTo(6);
            }
            Map<String, float[]> a = values(straight);
            Map<String, float[]> b = values(reloaded);
            for (String k : a.keySet()) {
                assertThat(b.get(k)).as(k).containsExactly(a.get(k));
            }
            assertThat(a.get("a.lora_up.weight")).as("the parameters actually moved").isNotEqualTo(new float[4]);
        }
    }

    @Test
    void adamwResumeFromSavedStateIsBitIdentical() throws Exception {
        resumeIsBitIdentical(() -> new AdamW(AdamW.DEFAULTS));
    }

    @Test
    void lionResumeFromSavedStateIsBitIdentical() throws Exception {
        resumeIsBitIdentical(() -> new Lion(new Lion.Settings(0.9, 0.99, 0.1)));
    }

    @Test
    void sgdResumeFromSavedStateIsBitIdentical() throws Exception {
        resumeIsBitIdentical(() -> new Sgd(new Sgd.Settings(0.9, 0.01)));
    }

    @Test
    void adamwFusedKernelAgreesWithThePerTensorLoop() {
        fusedKernelAgreesWithThePerTensorLoop(Kernels.Kernel.ADAMW,
                () -> new AdamW(new AdamW.Settings(0.9, 0.999, 1e-8, 0.05)), 1e-6f);
    }

    /** Lion's kernel runs the loop's element-wise operations in the loop's order: the same bits. */
    @Test
    void lionFusedKernelAgreesWithThePerTensorLoop() {
        fusedKernelAgreesWithThePerTensorLoop(Kernels.Kernel.LION, () -> new Lion(new Lion.Settings(0.9, 0.99, 0.1)),
                0f);
    }

    @Test
    void sgdFusedKernelAgreesWithThePerTensorLoop() {
        fusedKernelAgreesWithThePerTensorLoop(Kernels.Kernel.SGD, () -> new Sgd(new Sgd.Settings(0.9, 0.01)), 0f);
        fusedKernelAgreesWithThePerTensorLoop(Kernels.Kernel.SGD, () -> new Sgd(new Sgd.Settings(0, 0)), 0f);
    }

    private void fusedKernelAgreesWithThePerTensorLoop(Kernels.Kernel kernel, Supplier<Optimizer> factory,
                                                       float relative) {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> fused = params(m);
            Map<String, NDArray> loop = params(m);
            long before = kernel.calls();
            try (Optimizer opt = factory.get()) {
                train(opt, fused, m, 0, 5);
                assertThat(opt.stepCount()).isEqualTo(5);
            }
            assertThat(kernel.calls() - before).as("one fused call per step").isEqualTo(5);
            boolean was = Kernels.setEnabled(false);
            try (Optimizer opt = factory.get()) {
                train(opt, loop, m, 0, 5);
            } finally {
                Kernels.setEnabled(was);
            }
            assertThat(kernel.calls() - before).as("the loop made no fused call").isEqualTo(5);
            for (String k : fused.keySet()) {
                float[] a = fused.get(k).toFloatArray();
                float[] b = loop.get(k).toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    assertThat(a[i]).as("%s[%d]", k, i).isCloseTo(b[i],
                            within(relative * Math.max(1f, Math.abs(b[i]))));
                }
                assertThat(fused.get(k).getGradient().abs().sum().getFloat()).as("gradient zeroed").isZero();
            }
            assertThat(fused.get("a.lora_up.weight").toFloatArray()).isNotEqualTo(
                    params(m).get("a.lora_up.weight").toFloatArray());
        }
    }

    @Test
    void adamwMatchesTheTorchFormulaOverSeveralSteps() {
        double lr = 0.01;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.05;
        float[] g = {0.3f, -2f, 1e-3f};
        double[] p = {1.0, -0.5, 0.25};
        double[] mm = new double[3];
        double[] vv = new double[3];
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(new AdamW.Settings(b1, b2, eps, wd))) {
            NDArray w = m.create(new float[] {1.0f, -0.5f, 0.25f});
            w.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("w", w);
            for (int t = 1; t <= 4; t++) {
                GradTestSupport.setGradients(params, Map.of("w", m.create(g)));
                opt.step(params, lr);
                for (int i = 0; i < 3; i++) {
                    p[i] *= 1 - lr * wd;
                    mm[i] = b1 * mm[i] + (1 - b1) * g[i];
                    vv[i] = b2 * vv[i] + (1 - b2) * g[i] * g[i];
                    double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                    p[i] -= lr / (1 - Math.pow(b1, t)) * mm[i] / denom;
                }
            }
            float[] actual = w.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertThat((double) actual[i]).isCloseTo(p[i], within(1e-6));
            }
        }
    }

    @Test
    void lionUsesSignOfInterpolationAndDecoupledDecay() {
        try (NDManager m = NDManager.newBaseManager(); Lion opt = new Lion(new Lion.Settings(0.9, 0.99, 0.5))) {
            NDArray w = m.create(new float[] {1f, -1f, 2f});
            w.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("w", w);
            GradTestSupport.setGradients(params, Map.of("w", m.create(new float[] {0.3f, -5f, 0f})));
            opt.step(params, 0.1);
            // p *= 1 - 0.1*0.5 → {0.95, -0.95, 1.9}; update = sign(0.1 g) = {1, -1, 0}; p -= 0.1 * update
            assertThat(w.toFloatArray()).containsExactly(new float[] {0.85f, -0.85f, 1.9f}, within(1e-6f));
            assertThat(opt.state().asFloatArrays().get("w.exp_avg"))
                    .containsExactly(new float[] {0.003f, -0.05f, 0f}, within(1e-7f));
            // Second step: m = {0.003, -0.05, 0}; update = sign(0.9 m + 0.1 g) with g = {-1, 0, 1}
            GradTestSupport.setGradients(params, Map.of("w", m.create(new float[] {-1f, 0f, 1f})));
            opt.step(params, 0.1);
            float[] w2 = w.toFloatArray();
            assertThat(w2[0]).isCloseTo(0.85f * 0.95f + 0.1f, within(1e-6f));
            assertThat(w2[1]).isCloseTo(-0.85f * 0.95f + 0.1f, within(1e-6f));
            assertThat(w2[2]).isCloseTo(1.9f * 0.95f - 0.1f, within(1e-6f));
        }
    }

    @Test
    void sgdMomentumFollowsTorch() {
        try (NDManager m = NDManager.newBaseManager(); Sgd opt = new Sgd(new Sgd.Settings(0.9, 0.1))) {
            NDArray w = m.create(new float[] {1f, -2f});
            w.setRequiresGradient(true);
            Map<String, NDArray> params = Map.of("w", w);
            GradTestSupport.setGradients(params, Map.of("w", m.create(new float[] {0.5f, 0.5f})));
            opt.step(params, 0.1);
            // d = g + 0.1 p = {0.6, 0.3}; buf = d; p -= 0.1 d
            assertThat(w.toFloatArray()).containsExactly(new float[] {0.94f, -2.03f}, within(1e-6f));
            GradTestSupport.setGradients(params, Map.of("w", m.create(new float[] {0f, 0f})));
            opt.step(params, 0.1);
            // d = 0.1 p = {0.094, -0.203}; buf = 0.9 {0.6, 0.3} + d = {0.634, 0.067}
            assertThat(w.toFloatArray()).containsExactly(new float[] {0.94f - 0.0634f, -2.03f - 0.0067f},
                    within(1e-6f));
        }
    }

    @Test
    void stepZeroesGradientsAndKeepsRequiresGradient() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamW.DEFAULTS)) {
            Map<String, NDArray> p = params(m);
            GradTestSupport.setGradients(p, grads(m, 0));
            GradTestSupport.setGradients(p, grads(m, 0));
            assertThat(p.get("a.lora_up.weight").getGradient().toFloatArray()[0]).as("grads accumulate")
                    .isEqualTo(-1f);
            opt.step(p, 1e-3);
            for (NDArray a : p.values()) {
                assertThat(a.hasGradient()).isTrue();
                assertThat(a.getGradient().abs().sum().getFloat()).isZero();
            }
            // The next backward starts from zero: one pass gives exactly one gradient.
            GradTestSupport.setGradients(p, grads(m, 0));
            assertThat(p.get("a.lora_up.weight").getGradient().toFloatArray()[0]).isEqualTo(-0.5f);
        }
    }

    @Test
    void stepWorksOnAThreadWhereGradModeIsOn() throws Exception {
        // torch's grad mode is thread-local and on by default on a new thread; in-place updates must still work.
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamW.DEFAULTS)) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                Map<String, NDArray> p = params(m);
                GradTestSupport.setGradients(p, grads(m, 0));
                float before = p.get("a.lora_down.weight").toFloatArray()[0];
                opt.step(p, 1e-2);
                assertThat(p.get("a.lora_down.weight").toFloatArray()[0]).isNotEqualTo(before);
                assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).as("mode restored").isTrue();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void manyStepsLeaveNoArraysBehind() {
        Engine.getInstance();
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamW.DEFAULTS)) {
            Map<String, NDArray> p = params(m);
            Map<String, NDArray> g = grads(m, 1);
            GradTestSupport.setGradients(p, g);
            opt.step(p, 1e-3); // first step creates the state
            GradientClipping.clipByGlobalNorm(p.values(), 0.5);
            int before = m.getManagedArrays().size();
            assertThat(before).as("parameters, gradients and state are visible to the count").isGreaterThan(4);
            for (int i = 0; i < 200; i++) {
                GradTestSupport.setGradients(p, g);
                GradientClipping.clipByGlobalNorm(p.values(), 0.5);
                opt.step(p, 1e-3);
            }
            assertThat(m.getManagedArrays()).as("arrays in the parameters' manager (incl. optimizer state)")
                    .hasSize(before);
        }
    }

    @Test
    void restoreRejectsStateOfOtherParametersOrOptimizers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = params(m);
            OptimizerState saved;
            try (AdamW opt = new AdamW(AdamW.DEFAULTS)) {
                GradTestSupport.setGradients(p, grads(m, 0));
                opt.step(p, 1e-3);
                saved = opt.state();
            }
            assertThat(saved.buffers().keySet()).containsExactly("a.lora_down.weight.exp_avg",
                    "a.lora_down.weight.exp_avg_sq", "a.lora_up.weight.exp_avg", "a.lora_up.weight.exp_avg_sq");
            try (Lion lion = new Lion(Lion.DEFAULTS)) {
                assertThatThrownBy(() -> lion.restore(saved)).hasMessageContaining("'adamw'");
            }
            try (AdamW opt = new AdamW(AdamW.DEFAULTS)) {
                opt.restore(saved);
                Map<String, NDArray> other = new LinkedHashMap<>(p);
                other.remove("a.lora_up.weight");
                NDArray b = m.zeros(new Shape(4, 1));
                b.setRequiresGradient(true);
                other.put("b.lora_up.weight", b);
                assertThatThrownBy(() -> opt.step(other, 1e-3))
                        .hasMessageContaining("no saved state 'b.lora_up.weight.exp_avg'")
                        .hasMessageContaining("'a.lora_up.weight.exp_avg' belongs to no parameter");
            }
        }
    }

    /** A module with one trainable and one frozen parameter. */
    static final class Tiny extends org.lorastudio.nn.Module {
        final org.lorastudio.nn.Parameter frozen = parameter("weight", 2);
        final org.lorastudio.nn.Parameter lora = parameter("lora_down", 2);
    }

    @Test
    void trainableSelectsOnlyTrainableParametersByFullName() {
        try (NDManager m = NDManager.newBaseManager(); Sgd opt = new Sgd(new Sgd.Settings(0, 0))) {
            Tiny tiny = new Tiny();
            tiny.frozen.set(m.create(new float[] {1f, 1f}));
            tiny.lora.set(m.create(new float[] {1f, 1f}));
            tiny.lora.setTrainable(true);
            Map<String, NDArray> p = Optimizer.trainable(tiny.namedParameters());
            assertThat(p).containsOnlyKeys("lora_down");
            GradTestSupport.setGradients(p, Map.of("lora_down", m.create(new float[] {1f, -1f})));
            opt.step(p, 0.5);
            assertThat(tiny.lora.array().toFloatArray()).containsExactly(0.5f, 1.5f);
            assertThat(tiny.frozen.array().toFloatArray()).containsExactly(1f, 1f);
            assertThat(opt.state().buffers()).isEmpty();
        }
    }

    @Test
    void rejectsNonFloat32Parameters() {
        try (NDManager m = NDManager.newBaseManager(); AdamW opt = new AdamW(AdamW.DEFAULTS)) {
            NDArray half = m.zeros(new Shape(2)).toType(ai.djl.ndarray.types.DataType.FLOAT16, false);
            assertThatThrownBy(() -> opt.step(Map.of("h", half), 1e-3)).hasMessageContaining("'h' is float16");
            NDArray noGrad = m.zeros(new Shape(2));
            assertThatThrownBy(() -> opt.step(Map.of("g", noGrad), 1e-3)).hasMessageContaining("'g' does not require");
        }
    }
}
