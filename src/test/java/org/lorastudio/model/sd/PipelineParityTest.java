package org.lorastudio.model.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lorastudio.config.Sampler;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.sample.DiffusionLoop;
import org.lorastudio.testing.Fixtures;

/**
 * The whole SD pipeline against diffusers' {@code StableDiffusionPipeline} on sd-tiny-a: prompt embeddings, the
 * latents after each of the 10 DDIM steps (seed 0, guidance 7.5, 64×64) and the final image — loaded from the
 * diffusers folder and from the single file.
 */
@Tag("parity")
class PipelineParityTest {
    static NDManager manager;
    static SafetensorsFile ref;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
        ref = Fixtures.open("sd-tiny-a/reference.safetensors");
    }

    @AfterAll
    static void close() throws Exception {
        ref.close();
        manager.close();
    }

    static StableDiffusion load(String layout) {
        Path tokenizer = Fixtures.path("sd-tiny-a/model-diffusers/tokenizer");
        return "diffusers".equals(layout)
                ? StableDiffusion.load(Fixtures.path("sd-tiny-a/model-diffusers"), Optional.empty(), manager,
                DataType.FLOAT32)
                : StableDiffusion.load(Fixtures.path("sd-tiny-a/model-single.safetensors"), Optional.of(tokenizer),
                manager, DataType.FLOAT32);
    }

    @ParameterizedTest
    @ValueSource(strings = {"diffusers", "single"})
    void everyDdimStepAndTheImageMatchDiffusers(String layout) {
        StableDiffusion sd = load(layout);
        assertThat(sd.reports()).allSatisfy(r -> assertThat(r.ok()).isTrue());
        try (NDManager m = manager.newSubManager()) {
            NDArray cond = sd.encodePrompt(m, "a red square on a blue background", 1);
            NDArray uncond = sd.encodePrompt(m, "", 1);
            assertThat(Fixtures.relL2(cond, Fixtures.tensor(ref, "pipe.prompt_embeds", m))).isLessThan(1e-5);
            assertThat(Fixtures.relL2(uncond, Fixtures.tensor(ref, "pipe.negative_prompt_embeds", m)))
                    .isLessThan(1e-5);

            TextToImage.Request req = new TextToImage.Request("a red square on a blue background", "", 0, 10,
                    Sampler.DDIM, 7.5f, 64, 64, 1);
            NDArray noise = DiffusionLoop.initialNoise(m, 0, 1, 64, 64);
            assertThat(noise.toFloatArray()).containsExactly(Fixtures.tensor(ref, "pipe.init_latents", m)
                    .toFloatArray());
            DiffusionLoop loop = new DiffusionLoop((x, t, ctx) -> sd.unet().forward(x, t, ctx),
                    TextToImage.sampler(sd, req));
            DiffusionLoop.Result r = loop.run(noise, new DiffusionLoop.Conditioning(cond, uncond, 7.5f), true,
                    DiffusionLoop.Progress.NONE, () -> false);
            NDArray expectedSteps = Fixtures.tensor(ref, "pipe.latents_steps", m);
            double worst = 0;
            for (int i = 0; i < 10; i++) {
                worst = Math.max(worst, Fixtures.relL2(r.steps().get(i), expectedSteps.get(i)));
            }
            assertThat(worst).as("worst per-step latent error").isLessThan(1e-4);

            NDArray image = TextToImage.decode(sd, r.latents()); // (64, 64, 3)
            NDArray expected = Fixtures.tensor(ref, "pipe.image", m).get(0);
            assertThat(Fixtures.relL2(image, expected)).isLessThan(1e-3);
            System.out.printf("[parity] %s: worst step latents %.2e, image %.2e%n", layout, worst,
                    Fixtures.relL2(image, expected));
        }
    }
}
