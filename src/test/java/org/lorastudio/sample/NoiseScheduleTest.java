package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.sample.SchedulerConfig.PredictionType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

class NoiseScheduleTest {
    private static final String REF = "sd-tiny-a/reference.safetensors";
    private final NoiseSchedule schedule = NoiseSchedule.sd15();

    /** Same float32 arithmetic as torch (linspace kernel, float64 cumprod accumulator): expect equality. */
    @Test
    @Tag("parity")
    void alphasCumprodEqualsDiffusersBitForBit() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF)) {
            float[] expected = ref.readFloats("sched.alphas_cumprod");
            float[] actual = schedule.alphasCumprod();
            double worst = 0;
            int exact = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs((double) actual[i] / expected[i] - 1));
                exact += actual[i] == expected[i] ? 1 : 0;
            }
            System.out.printf("parity sched.alphas_cumprod: max rel err %.3e, %d/1000 bit-identical%n", worst, exact);
            assertThat(worst).isLessThanOrEqualTo(1e-6);
            assertThat(exact).isEqualTo(1000);
        }
    }

    @Test
    void referenceValuesOfTheSd15Schedule() {
        assertThat(schedule.alphaCumprod(0)).isCloseTo(0.99915f, within(1e-6f));
        assertThat(schedule.alphaCumprod(499)).isCloseTo(0.27767f, within(1e-5f));
        assertThat(schedule.alphaCumprod(999)).isCloseTo(0.0046601f, within(1e-6f));
        assertThat(schedule.snr(0)).isCloseTo(1175.5f, within(0.5f));
        assertThat(schedule.snr(999)).isCloseTo(0.00468f, within(1e-5f));
        assertThat(schedule.sigma(0)).isCloseTo(0.02917f, within(1e-5f));
        assertThat(schedule.sigma(999)).isCloseTo(14.6146f, within(1e-3f));
        float[] betas = schedule.betas();
        assertThat(betas[0]).isCloseTo(0.00085f, within(1e-9f));
        assertThat(betas[999]).isCloseTo(0.012f, within(1e-9f));
    }

    @Test
    void linearScheduleIsPlainLinspace() {
        NoiseSchedule lin = new NoiseSchedule(new SchedulerConfig(1000, 0.0001, 0.02,
                SchedulerConfig.BetaSchedule.LINEAR, PredictionType.EPSILON, 0, true,
                SchedulerConfig.TimestepSpacing.LEADING, true, 1.0));
        float[] b = lin.betas();
        assertThat(b[0]).isEqualTo(0.0001f);
        assertThat(b[999]).isEqualTo(0.02f);
        assertThat(b[500]).isCloseTo((float) (0.0001 + 500 * (0.02 - 0.0001) / 999), within(1e-9f));
    }

    @Test
    @Tag("parity")
    void addNoiseMatchesDiffusers() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF); NDManager m = NDManager.newBaseManager()) {
            NDArray x0 = Fixtures.tensor(ref, "sched.add_noise.in.x0", m);
            NDArray noise = Fixtures.tensor(ref, "sched.add_noise.in.noise", m);
            NDArray t = Fixtures.tensor(ref, "sched.add_noise.in.timesteps", m);
            NDArray expected = Fixtures.tensor(ref, "sched.add_noise.out", m);
            NDArray actual = schedule.addNoise(x0, noise, t);
            double err = Fixtures.relL2(actual, expected);
            double maxAbs = actual.sub(expected).abs().max().getFloat();
            System.out.printf("parity sched.add_noise.out: rel L2 %.3e, max abs %.3e%n", err, maxAbs);
            assertThat(err).isLessThanOrEqualTo(1e-6);
        }
    }

    @Test
    void velocityIsTheVPredictionTargetAndInvertsAddNoise() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1);
            NDArray x0 = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 4, 2, 2));
            NDArray eps = m.randomNormal(new ai.djl.ndarray.types.Shape(3, 4, 2, 2));
            long[] t = {0, 500, 999};
            NDArray v = schedule.velocity(x0, eps, t);
            NDArray xt = schedule.addNoise(x0, eps, t);
            for (int i = 0; i < 3; i++) {
                float a = schedule.sqrtAlphaCumprod((int) t[i]);
                float s = schedule.sqrtOneMinusAlphaCumprod((int) t[i]);
                NDArray manual = eps.get(i).mul(a).sub(x0.get(i).mul(s));
                assertThat(Fixtures.relL2(v.get(i), manual)).isLessThan(1e-6);
                // x0 = sqrt(a)·x_t − sqrt(1−a)·v
                NDArray back = xt.get(i).mul(a).sub(v.get(i).mul(s));
                assertThat(Fixtures.relL2(back, x0.get(i))).isLessThan(1e-5);
            }
        }
    }

    @Test
    void minSnrWeightsClipHighSnrTimesteps() {
        long[] t = {0, 300, 999};
        float[] eps = schedule.minSnrWeights(t, 5f, PredictionType.EPSILON);
        float[] v = schedule.minSnrWeights(t, 5f, PredictionType.V_PREDICTION);
        assertThat(eps[0]).isCloseTo(5f / schedule.snr(0), within(1e-7f));
        assertThat(eps[0]).isCloseTo(5f / 1175.5f, within(1e-5f));
        assertThat(eps[2]).isEqualTo(1f); // SNR < γ: unweighted
        assertThat(v[0]).isCloseTo(5f / (schedule.snr(0) + 1), within(1e-7f));
        assertThat(v[2]).isCloseTo(schedule.snr(999) / (schedule.snr(999) + 1), within(1e-7f));
        float snr300 = schedule.snr(300);
        assertThat(eps[1]).isCloseTo(Math.min(snr300, 5f) / snr300, within(1e-7f));
    }
}
