package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorastudio.sample.SchedulerConfig.PredictionType;
import org.lorastudio.sample.SchedulerConfig.TimestepSpacing;
import org.lorastudio.testing.Fixtures;

class EulerAncestralSamplerTest {
    private static final SchedulerConfig LINSPACE =
            SchedulerConfig.sd15().withTimestepSpacing(TimestepSpacing.LINSPACE);

    @Test
    void sigmaTableEndpointsAndInterpolatedSchedule() {
        EulerAncestralSampler e = new EulerAncestralSampler(new NoiseSchedule(LINSPACE), 10);
        assertThat(e.timesteps()).containsExactly(999f, 888f, 777f, 666f, 555f, 444f, 333f, 222f, 111f, 0f);
        // values of diffusers' numpy computation (np.interp over the float32 σ table)
        assertThat(e.sigmas()).containsExactly(14.614645f, 7.8398848f, 4.6091757f, 2.9183083f, 1.9501623f,
                1.3449283f, 0.9323583f, 0.6249773f, 0.3686585f, 0.029167533f, 0f);
        assertThat(e.initNoiseSigma()).isEqualTo(14.614645f);
    }

    @Test
    void fractionalTimestepsInterpolateSigma() {
        EulerAncestralSampler e = new EulerAncestralSampler(new NoiseSchedule(LINSPACE), 7);
        assertThat(e.timesteps()).containsExactly(999f, 832.5f, 666f, 499.5f, 333f, 166.5f, 0f);
        assertThat(e.sigmas()[1]).isEqualTo(5.948918f);
        assertThat(e.sigmas()[3]).isEqualTo(1.6155833f);
        assertThat(e.sigmas()[5]).isEqualTo(0.49355352f);
    }

    @Test
    void leadingSpacingStartsWithUnitVarianceAdded() {
        EulerAncestralSampler e = new EulerAncestralSampler(NoiseSchedule.sd15(), 10);
        assertThat(e.timesteps()[0]).isEqualTo(901f);
        assertThat(e.sigmas()[0]).isEqualTo(8.390687f);
        assertThat(e.initNoiseSigma()).isCloseTo(8.450067f, within(1e-6f));
    }

    @Test
    void modelInputIsScaledToUnitVariance() {
        EulerAncestralSampler e = new EulerAncestralSampler(new NoiseSchedule(LINSPACE), 10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 4, 2, 2)).mul(10f);
            float s = e.sigmas()[2];
            assertThat(e.scaleModelInput(x, 2).getFloat(0, 0, 0, 0))
                    .isCloseTo(10f / (float) Math.sqrt(s * s + 1), within(1e-5f));
        }
    }

    @Test
    void sameSeedSameImageOtherSeedOtherImage() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = run(m, 42);
            NDArray b = run(m, 42);
            NDArray c = run(m, 43);
            assertThat(a.contentEquals(b)).isTrue();
            assertThat(a.contentEquals(c)).isFalse();
        }
    }

    private static NDArray run(NDManager m, int seed) {
        NoisePredictor shrink = (latents, t, context) -> latents.mul(0.5f);
        NDArray noise = DiffusionLoop.initialNoise(m, seed, 1, 32, 32);
        return new DiffusionLoop(shrink, new EulerAncestralSampler(new NoiseSchedule(LINSPACE), 8))
                .run(noise, new DiffusionLoop.Conditioning(m.zeros(new Shape(1, 3, 2)), null, 1f), false,
                        DiffusionLoop.Progress.NONE, () -> false).latents();
    }

    /** With exact predictions the ancestral noise cancels out: the last step (σ' = 0) lands on x0. */
    @Test
    void oracleDenoiserEndsOnTheCleanLatents() {
        for (PredictionType type : PredictionType.values()) {
            NoiseSchedule s = new NoiseSchedule(LINSPACE.withPredictionType(type));
            EulerAncestralSampler e = new EulerAncestralSampler(s, 12);
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(11);
                NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8)).mul(0.6f);
                float[] ts = e.timesteps();
                float[] sigmas = e.sigmas();
                NoisePredictor oracle = (u, t, ctx) -> {
                    int i = indexOf(ts, t);
                    float alpha = 1f / (sigmas[i] * sigmas[i] + 1f); // ᾱ of σ
                    return Oracle.forAlpha(alpha, type, u, x0);
                };
                NDArray out = new DiffusionLoop(oracle, e).run(DiffusionLoop.initialNoise(m, 3, 1, 64, 64),
                        new DiffusionLoop.Conditioning(m.zeros(new Shape(1, 1, 1)), null, 0f), false,
                        DiffusionLoop.Progress.NONE, () -> false).latents();
                assertThat(Fixtures.relL2(out, x0)).as(type.name()).isLessThan(1e-4);
            }
        }
    }

    private static int indexOf(float[] ts, float t) {
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == t) {
                return i;
            }
        }
        throw new AssertionError("unexpected timestep " + t);
    }
}
