package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

class DiffusionLoopTest {
    private static final String REF = "sd-tiny-a/reference.safetensors";

    @Test
    @Tag("parity")
    void seededInitialNoiseEqualsTorchGenerator() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF); NDManager m = NDManager.newBaseManager()) {
            NDArray expected = Fixtures.tensor(ref, "pipe.init_latents", m);
            NDArray z = DiffusionLoop.initialNoise(m, 0, 1, 64, 64);
            assertThat(z.getShape()).isEqualTo(new Shape(1, 4, 8, 8));
            assertThat(z.contentEquals(expected)).isTrue();
        }
    }

    /**
     * A predictor that replays the stored UNet outputs and checks what the loop feeds it: the doubled latents of the
     * previous step, the (negative, prompt) context and the DDIM timestep. The loop must reproduce every stored
     * latent (tolerance 1e-4 relative L2: float32 rounding over 10 chained steps).
     */
    @Test
    @Tag("parity")
    void replayedUnetOutputsReproduceThePipelineLatents() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF); NDManager m = NDManager.newBaseManager()) {
            NDArray unetOut = Fixtures.tensor(ref, "pipe.unet_out_steps", m);
            NDArray expected = Fixtures.tensor(ref, "pipe.latents_steps", m);
            NDArray cond = Fixtures.tensor(ref, "pipe.prompt_embeds", m);
            NDArray uncond = Fixtures.tensor(ref, "pipe.negative_prompt_embeds", m);
            NDArray expectedContext = NDArrays.concat(new NDList(uncond, cond), 0);
            long[] ddimT = {901, 801, 701, 601, 501, 401, 301, 201, 101, 1};
            AtomicInteger calls = new AtomicInteger();
            List<float[]> inputs = new ArrayList<>(); // model inputs leave the step scope as Java arrays
            NoisePredictor replay = (latents, t, context) -> {
                int i = calls.getAndIncrement();
                assertThat(t).isEqualTo((float) ddimT[i]);
                assertThat(latents.getShape()).isEqualTo(new Shape(2, 4, 8, 8));
                assertThat(latents.get(0).contentEquals(latents.get(1))).isTrue();
                assertThat(context.contentEquals(expectedContext)).isTrue();
                inputs.add(latents.get("0:1").toFloatArray());
                return unetOut.get(i).duplicate();
            };
            List<String> progress = new ArrayList<>();
            NDArray noise = DiffusionLoop.initialNoise(m, 0, 1, 64, 64);
            DiffusionLoop.Result r = new DiffusionLoop(replay, new DdimSampler(NoiseSchedule.sd15(), 10)).run(noise,
                    new DiffusionLoop.Conditioning(cond, uncond, 7.5f), true,
                    (step, total) -> progress.add(step + "/" + total), () -> false);
            assertThat(r.cancelled()).isFalse();
            assertThat(r.completedSteps()).isEqualTo(10);
            assertThat(r.steps()).hasSize(10);
            assertThat(progress).hasSize(10).startsWith("1/10").endsWith("10/10");
            double worst = 0;
            for (int i = 0; i < 10; i++) {
                double err = Fixtures.relL2(r.steps().get(i), expected.get(i));
                worst = Math.max(worst, err);
                assertThat(err).as("step %d", i).isLessThanOrEqualTo(1e-4);
                if (i > 0) {
                    assertThat(inputs.get(i)).containsExactly(r.steps().get(i - 1).toFloatArray());
                }
            }
            assertThat(r.latents()).isSameAs(r.steps().get(9));
            assertThat(noise.isReleased()).isFalse();
            System.out.printf("parity DiffusionLoop replay of pipe.latents_steps: worst rel L2 %.3e%n", worst);
        }
    }

    @Test
    void cancelStopsBetweenStepsAndReturnsTheLatentsReached() throws Exception {
        try (SafetensorsFile ref = Fixtures.open(REF); NDManager m = NDManager.newBaseManager()) {
            NDArray unetOut = Fixtures.tensor(ref, "pipe.unet_out_steps", m);
            NDArray expected = Fixtures.tensor(ref, "pipe.latents_steps", m);
            NDArray cond = Fixtures.tensor(ref, "pipe.prompt_embeds", m);
            NDArray uncond = Fixtures.tensor(ref, "pipe.negative_prompt_embeds", m);
            AtomicInteger calls = new AtomicInteger();
            NoisePredictor replay = (latents, t, context) -> unetOut.get(calls.getAndIncrement()).duplicate();
            AtomicInteger done = new AtomicInteger();
            DiffusionLoop.Result r = new DiffusionLoop(replay, new DdimSampler(NoiseSchedule.sd15(), 10)).run(
                    Fixtures.tensor(ref, "pipe.init_latents", m), new DiffusionLoop.Conditioning(cond, uncond, 7.5f),
                    false, (step, total) -> done.set(step), () -> done.get() >= 3);
            assertThat(r.cancelled()).isTrue();
            assertThat(r.completedSteps()).isEqualTo(3);
            assertThat(calls.get()).isEqualTo(3);
            assertThat(r.steps()).isEmpty();
            assertThat(Fixtures.relL2(r.latents(), expected.get(2))).isLessThan(1e-4);
        }
    }

    @Test
    void guidanceScaleOneRunsTheConditionalBranchOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray cond = m.ones(new Shape(2, 77, 8));
            List<Shape> seen = new ArrayList<>();
            NoisePredictor p = (latents, t, context) -> {
                seen.add(latents.getShape());
                assertThat(context).isSameAs(cond);
                return latents.mul(0.1f);
            };
            NDArray noise = DiffusionLoop.initialNoise(m, 5, 2, 32, 48);
            DiffusionLoop.Result r = new DiffusionLoop(p, new DdimSampler(NoiseSchedule.sd15(), 4)).run(noise,
                    new DiffusionLoop.Conditioning(cond, null, 1f), false, DiffusionLoop.Progress.NONE, () -> false);
            assertThat(seen).hasSize(4).allMatch(s -> s.equals(new Shape(2, 4, 4, 6)));
            assertThat(r.latents().getShape()).isEqualTo(new Shape(2, 4, 4, 6));
        }
    }

    @Test
    void unconditionalContextOfBatchOneIsRepeated() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray cond = m.ones(new Shape(3, 5, 2));
            NDArray uncond = m.zeros(new Shape(1, 5, 2));
            NoisePredictor p = (latents, t, context) -> {
                assertThat(context.getShape()).isEqualTo(new Shape(6, 5, 2));
                assertThat(context.get("0:3").sum().getFloat()).isZero();
                assertThat(context.get("3:6").sum().getFloat()).isEqualTo(30f);
                return latents.zerosLike();
            };
            new DiffusionLoop(p, new DdimSampler(NoiseSchedule.sd15(), 2)).run(m.zeros(new Shape(3, 4, 2, 2)),
                    new DiffusionLoop.Conditioning(cond, uncond, 5f), false, DiffusionLoop.Progress.NONE, () -> false);
        }
    }
}
