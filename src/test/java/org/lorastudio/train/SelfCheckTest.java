package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lorastudio.runtime.CpuInfo;

/**
 * The numerical self-check (issue 13): on this machine every op kind agrees with float64; a kernel that gets a
 * gradient wrong (injected here, as the oneDNN fault does on some CPUs) makes it fail with a message that names the
 * CPU, the op, the shape, the error and what to do.
 */
class SelfCheckTest {
    @AfterEach
    void clearInjection() {
        System.clearProperty(SelfCheck.CORRUPT_PROPERTY);
    }

    @Test
    void everyOpKindAgreesWithFloat64OnThisMachine() {
        SelfCheck.Report r = SelfCheck.run(Device.cpu());
        System.out.println("self-check on " + r.cpu().describe() + ": " + r.summary());
        r.cases().forEach(c -> System.out.printf("  %-28s %-45s %-16s %.2e%n", c.op(), c.shape(), c.worstPart(),
                c.error()));
        System.out.printf("  again in the same process: %.1f ms%n", SelfCheck.run(Device.cpu()).millis());
        assertThat(r.skipped()).isFalse();
        assertThat(r.cases()).extracting(SelfCheck.Case::op).contains("convolution 3×3 stride 1",
                "convolution 3×3 stride 2", "convolution 1×1 stride 1", "linear", "attention", "causal attention",
                "layer norm", "group norm", "RMS norm");
        // fp32 against fp64 on a correct kernel is ~1e-7; far below the refusal threshold
        assertThat(r.cases()).allSatisfy(c -> assertThat(c.error()).as(c.op() + " " + c.shape()).isLessThan(1e-5));
        assertThat(r.passed()).isTrue();
        assertThat(r.summary()).startsWith("passed (");
    }

    @Test
    void aWrongGradientIsCaughtAndNamed() {
        System.setProperty(SelfCheck.CORRUPT_PROPERTY, "convolution 3×3 stride 1");
        SelfCheck.Report r = SelfCheck.run(Device.cpu());
        assertThat(r.passed()).isFalse();
        SelfCheck.Case c = r.firstFailure().orElseThrow();
        assertThat(c.op()).isEqualTo("convolution 3×3 stride 1");
        assertThat(c.shape()).contains("32→4");
        assertThat(c.worstPart()).isEqualTo("input gradient");
        assertThat(c.error()).isGreaterThan(0.4).isLessThan(0.6); // half of the gradient missing
        assertThat(r.summary()).startsWith("FAILED: convolution 3×3 stride 1 32→4").contains("50 %");
        // the other kinds are unaffected
        assertThat(r.cases().stream().filter(SelfCheck.Case::passed).map(SelfCheck.Case::op))
                .contains("linear", "attention", "convolution 1×1 stride 1");
    }

    @Test
    void relativeErrorIsNaNWhenTheKernelReturnsNaN() {
        double e = SelfCheck.relativeError(new double[] {1, Double.NaN}, new double[] {1, 2});
        assertThat(new SelfCheck.Case("x", "y", "output", e, 1e-3, 0).passed()).isFalse();
        assertThat(new SelfCheck.Case("x", "y", "output", 1e-7, 1e-3, 0).passed()).isTrue();
    }

    @Test
    void theRefusalNamesCpuOpShapeErrorAndWhatToDo() {
        System.setProperty(SelfCheck.CORRUPT_PROPERTY, "attention");
        SelfCheck.Report r = SelfCheck.run(Device.cpu());
        assertThatThrownBy(() -> SelfCheck.refuseIfFailed(r, Device.cpu()))
                .isInstanceOf(SelfCheck.Failed.class)
                .hasMessageContaining(CpuInfo.current().model())
                .hasMessageContaining("attention 4 heads, 16 × 24 tokens")
                .hasMessageContaining("query gradient")
                .hasMessageContaining("50 %")
                .hasMessageContaining("nothing was trained")
                .hasMessageContaining("lorastudio doctor");
    }
}
