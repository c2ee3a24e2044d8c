package org.lorastudio.lora;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lorastudio.config.Sampler;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.sample.DiffusionLoop;
import org.lorastudio.testing.Fixtures;

/**
 * LoRA files applied the way diffusers does ({@code cross_attention_kwargs={'scale': s}}, UNet and text encoder
 * alike) reproduce the references: UNet output, text-encoder output, final latents and image of the pipeline.
 */
@Tag("parity")
class LoraParityTest {
    static NDManager manager;
    static SafetensorsFile ref;
    static StableDiffusion sd;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        ref = Fixtures.open("sd-tiny-a/reference.safetensors");
        sd = StableDiffusion.load(Fixtures.path("sd-tiny-a/model-diffusers"), Optional.empty(), manager,
                DataType.FLOAT32);
    }

    @AfterAll
    static void close() throws Exception {
        ref.close();
        manager.close();
    }

    static LoraNetwork network(String file) throws Exception {
        Map<String, AdaptableLayer> layers = new LinkedHashMap<>(LoraTargets.byKohyaName(sd.unet(), LoraTargets.UNET));
        layers.putAll(LoraTargets.byKohyaName(sd.textEncoder(), LoraTargets.TEXT_ENCODER));
        return LoraNetwork.fromFile(LoraFile.read(Fixtures.path("sd-tiny-a/" + file)), layers, manager);
    }

    @ParameterizedTest
    @CsvSource({"lora-kohya.safetensors, 1.0", "lora-kohya.safetensors, 0.5", "lora-diffusers.safetensors, 1.0",
            "lora-diffusers.safetensors, 0.5"})
    void loraAtStrengthMatchesDiffusers(String file, String scale) throws Exception {
        LoraNetwork net = network(file);
        assertThat(net.size()).isEqualTo(84);
        net.setMultiplier(Float.parseFloat(scale));
        net.attach();
        String p = "lora.scale" + scale + ".";
        try (NDManager m = manager.newSubManager()) {
            NDArray unetOut = sd.unet().forward(Fixtures.tensor(ref, "unet.in.sample", m),
                    Fixtures.tensor(ref, "unet.in.timesteps", m), Fixtures.tensor(ref, "unet.in.encoder_hidden_states", m));
            double unetErr = Fixtures.relL2(unetOut, Fixtures.tensor(ref, p + "unet.out.sample", m));
            NDArray te = sd.textEncoder().forward(Fixtures.tensor(ref, "tok.input_ids", m), 1);
            double teErr = Fixtures.relL2(te, Fixtures.tensor(ref, p + "te.last_hidden_state", m));

            TextToImage.Request req = new TextToImage.Request("a red square on a blue background", "", 0, 10,
                    Sampler.DDIM, 7.5f, 64, 64, 1);
            TextToImage.Result r = TextToImage.generate(sd, m, req, null, DiffusionLoop.Progress.NONE, () -> false);
            double latErr = Fixtures.relL2(m.create(r.finalLatents(), Fixtures.tensor(ref, p + "pipe.latents_final", m)
                    .getShape()), Fixtures.tensor(ref, p + "pipe.latents_final", m));
            double imgErr = Fixtures.relL2(m.create(r.rgb(), Fixtures.tensor(ref, p + "pipe.image", m).getShape()),
                    Fixtures.tensor(ref, p + "pipe.image", m));
            System.out.printf("[parity] %s @%s: unet %.2e, te %.2e, latents %.2e, image %.2e%n", file, scale, unetErr,
                    teErr, latErr, imgErr);
            assertThat(unetErr).isLessThan(1e-4);
            assertThat(teErr).isLessThan(1e-4);
            assertThat(latErr).isLessThan(1e-3);
            assertThat(imgErr).isLessThan(1e-3);
        } finally {
            net.detach();
        }
    }

    @org.junit.jupiter.api.Test
    void kohyaLoraRewrittenInTheDiffusersLayoutGivesTheSameModel(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        LoraNetwork kohya = network("lora-kohya.safetensors");
        java.nio.file.Path file = dir.resolve("pytorch_lora_weights.safetensors");
        DiffusersLoraWriter.write(kohya, Map.of("unet", sd.unet(), "text_encoder", sd.textEncoder()), file,
                org.lorastudio.safetensors.DType.F32, Map.of());
        LoraFile back = LoraFile.read(file);
        assertThat(back.format()).isEqualTo(LoraFile.Format.DIFFUSERS);
        assertThat(back.modules().keySet()).containsExactlyInAnyOrderElementsOf(kohya.layers().keySet());
        Map<String, AdaptableLayer> layers = new LinkedHashMap<>(LoraTargets.byKohyaName(sd.unet(), LoraTargets.UNET));
        layers.putAll(LoraTargets.byKohyaName(sd.textEncoder(), LoraTargets.TEXT_ENCODER));
        LoraNetwork net = LoraNetwork.fromFile(back, layers, manager);
        net.attach();
        try (NDManager m = manager.newSubManager()) {
            NDArray out = sd.unet().forward(Fixtures.tensor(ref, "unet.in.sample", m),
                    Fixtures.tensor(ref, "unet.in.timesteps", m), Fixtures.tensor(ref, "unet.in.encoder_hidden_states", m));
            assertThat(Fixtures.relL2(out, Fixtures.tensor(ref, "lora.scale1.0.unet.out.sample", m))).isLessThan(1e-4);
        } finally {
            net.detach();
        }
    }
}
