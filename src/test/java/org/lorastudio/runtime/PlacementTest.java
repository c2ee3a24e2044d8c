package org.lorastudio.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Parameter;
import org.lorastudio.train.AdamW;

/**
 * The placement test mode can fail (issue 15 item 6): an array from a manager of its own, one of the wrong dtype and
 * one on the CPU while the run's device is a GPU are each reported with the op, the array's facts and its manager.
 */
class PlacementTest {
    @Test
    void arraysInTheRunsTreeOfTheWeightsTypePassAndTheChecksRan() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(root);
             NDManager step = root.newSubManager()) {
            Linear linear = linear(root);
            Conv2d conv = conv(root);
            linear.forward(step.randomNormal(new Shape(2, 4)));
            NDArray leaf = step.randomNormal(new Shape(1, 2, 5, 5));
            leaf.setRequiresGradient(true); // 3 output channels and an input with a gradient: the oneDNN pad path
            conv.forward(leaf);
            assertThat(s.violations()).isEmpty();
            assertThat(s.checksByOp()).containsEntry("Linear", 3L).containsEntry("conv2d", 3L)
                    .containsEntry("conv2d_pad", 2L);
            assertThat(s.rootChecks()).isEqualTo(8);
            s.requireNone();
        }
    }

    @Test
    void anArrayOfAnotherBaseManagerIsReportedAsOutsideTheRunsTree() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             NDManager stray = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(root)) {
            Linear linear = linear(root);
            linear.forward(stray.randomNormal(new Shape(2, 4)));
            conv(root).forward(stray.randomNormal(new Shape(1, 2, 5, 5)));

            assertThat(s.violations()).hasSize(2);
            assertThat(s.violations()).extracting(Placement.Violation::op).containsExactly("Linear", "conv2d");
            assertThat(s.violations()).allSatisfy(v -> {
                assertThat(v.input()).isZero();
                assertThat(v.problem()).contains("outside the run's manager tree");
                assertThat(v.manager()).contains("a base manager of its own").contains(stray.getName());
            });
            assertThat(s.violations().get(0).describe()).startsWith("Linear input 0 (2, 4) float32 on cpu()");
            assertThatThrownBy(s::requireNone).hasMessageContaining("2 placement violation(s)")
                    .hasMessageContaining("Linear input 0").hasMessageContaining("conv2d input 0 (1, 2, 5, 5)");
        }
    }

    @Test
    void anInputOfAnotherTypeThanTheWeightIsReportedWithBothTypes() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(root);
             NDManager step = root.newSubManager()) {
            Linear linear = linear(root);
            NDArray x64 = step.randomNormal(new Shape(2, 4)).toType(DataType.FLOAT64, false);
            try {
                linear.forward(x64); // libtorch may refuse the mixed types itself; the check has spoken by then
            } catch (RuntimeException e) {
                assertThat(e).isNotNull();
            }
            assertThat(s.violations()).singleElement().satisfies(v -> {
                assertThat(v.op()).isEqualTo("Linear");
                assertThat(v.dtype()).isEqualTo(DataType.FLOAT64);
                assertThat(v.problem()).isEqualTo("dtype float64, expected float32");
            });

            // an op without weights computes in its first input's type: attention's q here. The plain path (a kernel
            // that fails is switched off for the whole process, which other tests would then see)
            NDArray q = step.randomNormal(new Shape(1, 2, 3, 4));
            boolean kernels = org.lorastudio.nn.kernels.Kernels.setEnabled(false);
            try {
                org.lorastudio.nn.Functional.scaledDotProduct(q, x64.reshape(1, 2, 1, 4), q, null);
            } catch (RuntimeException e) {
                assertThat(e).isNotNull();
            } finally {
                org.lorastudio.nn.kernels.Kernels.setEnabled(kernels);
            }
            assertThat(s.violations()).filteredOn(v -> v.op().equals("attention")).singleElement()
                    .satisfies(v -> assertThat(v.describe()).startsWith(
                            "attention input 1 (1, 2, 1, 4) float64 on cpu(): dtype float64, expected float32"));
        }
    }

    @Test
    void aClosedArrayIsReportedWithoutTouchingItsFreedMemory() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(root)) {
            NDArray gone = root.randomNormal(new Shape(2, 4));
            gone.close();
            Placement.inputs("probe", DataType.FLOAT32, gone);
            assertThat(s.violations()).singleElement().satisfies(v -> assertThat(v.describe())
                    .isEqualTo("probe input 0: the array was already closed; its manager: the run's manager"));
        }
    }

    @Test
    void theOptimizerReportsAParameterOutsideTheRunsTreeAndRefusesANonFloatOne() {
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             NDManager stray = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(root);
             AdamW adamW = new AdamW(AdamW.DEFAULTS)) {
            NDArray good = withGradient(root.randomNormal(new Shape(3)));
            NDArray foreign = withGradient(stray.randomNormal(new Shape(2)));
            adamW.step(new java.util.LinkedHashMap<>(Map.of("good", good)), 1e-3);
            assertThat(s.violations()).isEmpty();
            assertThat(s.checksByOp()).containsEntry("adamw", 4L); // param, grad, exp_avg, exp_avg_sq

            try (AdamW other = new AdamW(AdamW.DEFAULTS)) {
                other.step(Map.of("lora_up", foreign), 1e-3);
            }
            assertThat(s.violations()).extracting(Placement.Violation::input).containsExactly(0, 1, 2, 3);
            assertThat(s.violations()).allSatisfy(v -> {
                assertThat(v.op()).isEqualTo("adamw 'lora_up' (param, grad, [exp_avg, exp_avg_sq])");
                assertThat(v.problem()).contains("outside the run's manager tree");
            });

            NDArray f64 = withGradient(root.randomNormal(new Shape(2)).toType(DataType.FLOAT64, false));
            assertThatThrownBy(() -> adamW.step(Map.of("half", f64), 1e-3))
                    .hasMessageContaining("parameter 'half' is float64; trainable parameters must be float32");
        }
    }

    @Test
    void onAGpuRunAnArrayOnTheCpuIsReportedForItsDevice() {
        // The CPU build can make a manager for cuda:0 without touching CUDA: enough to be the run's root here.
        try (NDManager gpuRoot = NDManager.newBaseManager(Device.gpu(0));
             NDManager cpu = NDManager.newBaseManager(Device.cpu());
             Placement.Session s = Placement.start(gpuRoot)) {
            Linear linear = linear(cpu);
            linear.forward(cpu.randomNormal(new Shape(2, 4)));
            assertThat(s.violations()).extracting(Placement.Violation::problem)
                    .contains("device cpu(), the run's device is gpu(0)");
            assertThat(s.violations()).extracting(Placement.Violation::input).contains(0, 1, 2); // x, weight, bias

            // in the run's tree (DJL makes a CPU sub-manager of the root for it), but on the CPU all the same
            NDArray explicitCpu = gpuRoot.zeros(new Shape(2, 4), DataType.FLOAT32, Device.cpu());
            Placement.inputs("probe", DataType.FLOAT32, explicitCpu);
            assertThat(s.violations()).filteredOn(v -> v.op().equals("probe")).extracting(Placement.Violation::problem)
                    .containsExactly("device cpu(), the run's device is gpu(0)");
        }
    }

    @Test
    void offNothingIsCheckedAndOnlyOneSessionOpensAtATime() {
        assertThat(Placement.checking()).isFalse();
        try (NDManager root = NDManager.newBaseManager(Device.cpu());
             NDManager stray = NDManager.newBaseManager(Device.cpu())) {
            linear(root).forward(stray.randomNormal(new Shape(2, 4))); // no session: nothing to report to
            try (Placement.Session s = Placement.start(root)) {
                assertThat(Placement.checking()).isTrue();
                assertThatThrownBy(Placement::start).hasMessageContaining("already open");
                try (Placement.Binding b = Placement.bind(stray)) {
                    linear(stray).forward(stray.randomNormal(new Shape(2, 4)));
                }
                assertThat(s.violations()).as("stray was the bound root").isEmpty();
                linear(stray).forward(stray.randomNormal(new Shape(2, 4)));
                assertThat(s.violations()).as("root is back").hasSize(3);
            }
            assertThat(Placement.checking()).isFalse();
        }
    }

    private static NDArray withGradient(NDArray p) {
        p.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(p.mul(p).sum());
        }
        return p;
    }

    private static Linear linear(NDManager m) {
        Linear l = new Linear(4, 3, true);
        set(l.weight(), m);
        set(l.bias(), m);
        return l;
    }

    private static Conv2d conv(NDManager m) {
        Conv2d c = Conv2d.k3(2, 3);
        set(c.weight(), m);
        set(c.bias(), m);
        return c;
    }

    private static void set(Parameter p, NDManager m) {
        p.set(m.randomNormal(p.shape()));
    }
}
