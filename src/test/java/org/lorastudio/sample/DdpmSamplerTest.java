package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.lorastudio.sample.SchedulerConfig.PredictionType;
import org.lorastudio.testing.Fixtures;

class DdpmSamplerTest {

    @Test
    void stridedTimestepsAndPosteriorVariance() {
        NoiseSchedule s = NoiseSchedule.sd15();
        DdpmSampler d = new DdpmSampler(s, 10);
        assertThat(d.timesteps()).containsExactly(901f, 801f, 701f, 601f, 501f, 401f, 301f, 201f, 101f, 1f);
        // β̃ = (1−ᾱ')/(1−ᾱ)·(1 − ᾱ/ᾱ') at t = 501, t' = 401
        double a = s.alphaCumprod(501);
        double ap = s.alphaCumprod(401);
        assertThat((double) d.variance(4)).isCloseTo((1 - ap) / (1 - a) * (1 - a / ap), within(1e-6));
        // last step: t' < 0 → ᾱ' = 1 → variance 0, clamped to 1e-20
        assertThat(d.variance(9)).isEqualTo(1e-20f);
        assertThat(new DdpmSampler(s, 1000 - 1).numSteps()).isEqualTo(999);
    }

    @Test
    void stepMeanIsThePosteriorMean() {
        NoiseSchedule s = NoiseSchedule.sd15();
        DdpmSampler d = new DdpmSampler(s, 1000 / 2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 1, 1, 1)).mul(0.8f);
            NDArray eps = m.ones(new Shape(1, 1, 1, 1)).mul(0.3f);
            int i = 100;
            int t = (int) d.timesteps()[i];
            Engine.getInstance().setRandomSeed(9);
            float z = m.randomNormal(new Shape(1, 1, 1, 1)).getFloat();
            Engine.getInstance().setRandomSeed(9);
            float out = d.step(eps, i, x).getFloat();
            double a = s.alphaCumprod(t);
            double ap = s.alphaCumprod(t - 2);
            double x0 = (0.8 - Math.sqrt(1 - a) * 0.3) / Math.sqrt(a);
            double beta = 1 - a / ap;
            double mean = Math.sqrt(ap) * beta / (1 - a) * x0 + Math.sqrt(a / ap) * (1 - ap) / (1 - a) * 0.8;
            double std = Math.sqrt((1 - ap) / (1 - a) * beta);
            assertThat((double) out).isCloseTo(mean + std * z, within(1e-5));
        }
    }

    @Test
    void oracleDenoiserEndsOnTheCleanLatentsAndSeedsReproduce() {
        for (PredictionType type : PredictionType.values()) {
            NoiseSchedule s = new NoiseSchedule(SchedulerConfig.sd15().withPredictionType(type));
            DdpmSampler d = new DdpmSampler(s, 50);
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(21);
                NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8)).mul(0.5f);
                NoisePredictor oracle = (u, t, ctx) -> Oracle.output(s, type, u, x0, (int) t);
                DiffusionLoop loop = new DiffusionLoop(oracle, d);
                DiffusionLoop.Conditioning c = new DiffusionLoop.Conditioning(m.zeros(new Shape(1, 1, 1)), null, 1f);
                NDArray out = loop.run(DiffusionLoop.initialNoise(m, 1, 1, 64, 64), c, true,
                        DiffusionLoop.Progress.NONE, () -> false).latents();
                assertThat(Fixtures.relL2(out, x0)).as(type.name()).isLessThan(1e-4);

                NoisePredictor dumb = (u, t, ctx) -> u.mul(0.9f);
                NDArray a = new DiffusionLoop(dumb, d).run(DiffusionLoop.initialNoise(m, 8, 1, 16, 16), c, false,
                        DiffusionLoop.Progress.NONE, () -> false).latents();
                NDArray b = new DiffusionLoop(dumb, d).run(DiffusionLoop.initialNoise(m, 8, 1, 16, 16), c, false,
                        DiffusionLoop.Progress.NONE, () -> false).latents();
                assertThat(a.contentEquals(b)).isTrue();
            }
        }
    }
}
