package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.sample.SchedulerConfig.PredictionType;
import org.lorastudio.sample.SchedulerConfig.TimestepSpacing;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class DdimSamplerTest {
    private static final String REF = "sd-tiny-a/reference.safetensors";

    @Test
    @Tag("parity")
    void leadingTimestepsEqualDiffusers() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF)) {
            long[] expected = ref.readLongs("sched.ddim10.timesteps");
            assertThat(new DdimSampler(NoiseSchedule.sd15(), 10).integerTimesteps()).containsExactly(expected);
        }
        assertThat(new DdimSampler(NoiseSchedule.sd15(), 50).integerTimesteps())
                .startsWith(981, 961).endsWith(21, 1).hasSize(50);
    }

    @Test
    void otherSpacingsFollowDiffusers() {
        SchedulerConfig c = SchedulerConfig.sd15();
        // diffusers 0.26 DDIMScheduler.set_timesteps(10) with timestep_spacing linspace / trailing
        assertThat(Timesteps.discrete(c.withTimestepSpacing(TimestepSpacing.LINSPACE), 10))
                .containsExactly(999, 888, 777, 666, 555, 444, 333, 222, 111, 0);
        assertThat(Timesteps.discrete(c.withTimestepSpacing(TimestepSpacing.TRAILING), 10))
                .containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
        assertThat(Timesteps.discrete(c.withTimestepSpacing(TimestepSpacing.LINSPACE), 4))
                .containsExactly(999, 666, 333, 0);
        assertThat(Timesteps.discrete(c.withTimestepSpacing(TimestepSpacing.TRAILING), 3))
                .containsExactly(999, 666, 332);
    }

    @Test
    void tooManyStepsAreRefusedWithAReason() {
        assertThatThrownBy(() -> new DdimSampler(NoiseSchedule.sd15(), 1001))
                .isInstanceOf(UserException.class).hasMessageContaining("1..1000");
        // leading spacing + steps_offset 1 with N = T would ask for timestep 1000
        assertThatThrownBy(() -> new DdimSampler(NoiseSchedule.sd15(), 1000))
                .isInstanceOf(UserException.class).hasMessageContaining("timestep 1000");
    }

    /**
     * The stored raw UNet outputs, guided with s = 7.5 and stepped from the stored initial latents, must give every
     * stored intermediate latent. Tolerance 1e-4: float32 rounding of ~10 chained steps (measured far below).
     */
    @Test
    @Tag("parity")
    void replayingReferenceUnetOutputsReproducesEveryDdimStep() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF); NDManager m = NDManager.newBaseManager()) {
            NDArray unetOut = Fixtures.tensor(ref, "pipe.unet_out_steps", m); // [10, 2, 4, 8, 8]
            NDArray expected = Fixtures.tensor(ref, "pipe.latents_steps", m); // [10, 1, 4, 8, 8]
            NDArray x = Fixtures.tensor(ref, "pipe.init_latents", m); // [1, 4, 8, 8]
            DdimSampler ddim = new DdimSampler(NoiseSchedule.sd15(), 10);
            double worst = 0;
            for (int i = 0; i < 10; i++) {
                NDArray uncond = unetOut.get(i).get("0:1"); // [1, 4, 8, 8]
                NDArray cond = unetOut.get(i).get("1:2");
                NDArray eps = uncond.add(cond.sub(uncond).mul(7.5f));
                x = ddim.step(eps, i, ddim.scaleModelInput(x, i));
                double err = Fixtures.relL2(x, expected.get(i));
                worst = Math.max(worst, err);
                assertThat(err).as("step %d", i).isLessThanOrEqualTo(1e-4);
            }
            System.out.printf("parity DDIM replay of pipe.latents_steps: worst rel L2 %.3e%n", worst);
        }
    }

    @Test
    void oracleDenoiserRecoversTheCleanLatentsForEpsilonAndV() {
        for (PredictionType type : PredictionType.values()) {
            NoiseSchedule s = new NoiseSchedule(SchedulerConfig.sd15().withPredictionType(type));
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(7);
                NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8)).mul(0.5f);
                NDArray noise = m.randomNormal(new Shape(1, 4, 8, 8));
                DdimSampler ddim = new DdimSampler(s, 20);
                // start on the forward process at the first timestep, so the exact ε is `noise` throughout
                NDArray x = s.addNoise(x0, noise, new long[] {ddim.integerTimesteps()[0]});
                for (int i = 0; i < ddim.numSteps(); i++) {
                    int t = (int) ddim.integerTimesteps()[i];
                    x = ddim.step(Oracle.output(s, type, x, x0, t), i, x);
                }
                // with exact predictions deterministic DDIM keeps ε fixed, and its last step lands on ᾱ_0
                // (set_alpha_to_one false): x = √ᾱ0·x0 + √(1−ᾱ0)·ε
                NDArray expected = x0.mul(s.sqrtAlphaCumprod(0)).add(noise.mul(s.sqrtOneMinusAlphaCumprod(0)));
                assertThat(Fixtures.relL2(x, expected)).as(type.name()).isLessThan(1e-4);
            }
        }
    }

    @Test
    void etaDrawsSeededNoise() {
        NoiseSchedule s = NoiseSchedule.sd15();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 4, 4, 4));
            NDArray eps = m.zeros(new Shape(1, 4, 4, 4));
            DdimSampler stochastic = new DdimSampler(s, 10, 1f);
            Engine.getInstance().setRandomSeed(3);
            NDArray a = stochastic.step(eps, 0, x);
            Engine.getInstance().setRandomSeed(3);
            NDArray b = stochastic.step(eps, 0, x);
            Engine.getInstance().setRandomSeed(4);
            NDArray c = stochastic.step(eps, 0, x);
            NDArray det = new DdimSampler(s, 10).step(eps, 0, x);
            assertThat(a.contentEquals(b)).isTrue();
            assertThat(a.contentEquals(c)).isFalse();
            assertThat(a.contentEquals(det)).isFalse();
            // σ = η·√((1−ᾱ')/(1−ᾱ)·(1 − ᾱ/ᾱ')), t = 901, t' = 801
            float at = s.alphaCumprod(901);
            float ap = s.alphaCumprod(801);
            double sigma = Math.sqrt((1 - ap) / (1 - at) * (1 - at / ap));
            double std = Math.sqrt(a.sub(det).square().mean().getFloat());
            assertThat(std).isBetween(0.6 * sigma, 1.4 * sigma);
        }
    }
}
