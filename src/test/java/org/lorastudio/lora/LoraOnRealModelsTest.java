package org.lorastudio.lora;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.model.clip.ClipTextConfig;
import org.lorastudio.model.clip.ClipTextModel;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.safetensors.DType;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.AdamW;
import org.lorastudio.train.Losses;

/** LoRA on the real networks: identity at step 0, save/read round trip after training, kohya naming at full size. */
class LoraOnRealModelsTest {
    @TempDir
    Path dir;

    @Test
    void freshLoraIsExactlyTheBaseModelAndATrainedOneRoundTripsThroughItsFile() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            StableDiffusion sd = StableDiffusion.load(Fixtures.path("sd-tiny-a/model-diffusers"), Optional.empty(), m,
                    DataType.FLOAT32);
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray t = m.create(new long[] {10, 700});
            NDArray ctx = m.randomNormal(new Shape(2, 77, 32));
            float[] base = sd.unet().forward(x, t, ctx).toFloatArray();

            Map<String, AdaptableLayer> targets = LoraTargets.resolve(sd.unet(), LoraTargets.UNET,
                    List.of("attentions", "resnets"));
            LoraNetwork net = LoraNetwork.create(targets, 4, 2f, m, new Random(5));
            net.setTrainable(true);
            net.attach();
            assertThat(sd.unet().forward(x, t, ctx).toFloatArray()).as("step 0 equals the base").containsExactly(base);

            try (AdamW adam = new AdamW(AdamW.DEFAULTS)) {
                for (int step = 0; step < 20; step++) {
                    try (NDManager sm = m.newSubManager();
                         GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray target = sm.randomNormal(new Shape(2, 4, 8, 8));
                        gc.backward(Losses.mse(sd.unet().forward(x, t, ctx), target));
                    }
                    adam.step(net.namedArrays(), 1e-2);
                }
            }
            float[] trained = sd.unet().forward(x, t, ctx).toFloatArray();
            assertThat(trained).isNotEqualTo(base);
            net.detach();

            Path file = dir.resolve("trained.safetensors");
            KohyaLoraWriter.write(net, file, DType.F32, Map.of("ss_network_dim", "4"));
            LoraNetwork back = LoraNetwork.fromFile(LoraFile.read(file), LoraTargets.byKohyaName(sd.unet(),
                    LoraTargets.UNET), m);
            back.attach();
            assertThat(sd.unet().forward(x, t, ctx).toFloatArray()).as("read back").containsExactly(trained);
        }
    }

    @Test
    void attentionTargetsOnFullSd15HaveKohyasNamesAndShapes() throws Exception {
        JsonNode kohya = new ObjectMapper().readTree(Fixtures.path("sd15-keys/lora-kohya-rank8.json").toFile());
        Set<String> expected = new TreeSet<>();
        Map<String, List<Long>> downShapes = new java.util.HashMap<>();
        for (JsonNode mod : kohya.get("modules")) {
            String name = mod.get("name").asText();
            if (name.matches("lora_unet_.*_attn[12]_(to_q|to_k|to_v|to_out_0)")) {
                expected.add(name);
                List<Long> s = new ArrayList<>();
                mod.get("lora_down").forEach(d -> s.add(d.asLong()));
                downShapes.put(name, s);
            }
        }
        UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.sd15());
        Map<String, AdaptableLayer> targets = LoraTargets.resolve(unet, LoraTargets.UNET, List.of("attentions"));
        assertThat(new TreeSet<>(targets.keySet())).isEqualTo(expected).hasSize(128);
        targets.forEach((name, layer) -> assertThat(LoraLayer.downShape(layer, 8).getShape())
                .as(name).containsExactly(downShapes.get(name).stream().mapToLong(Long::longValue).toArray()));

        Set<String> all = new TreeSet<>(LoraTargets.resolve(unet, LoraTargets.UNET, List.of("transformers"))
                .keySet());
        all.addAll(LoraTargets.resolve(new ClipTextModel(ClipTextConfig.sd15()), LoraTargets.TEXT_ENCODER,
                List.of("all")).keySet());
        Set<String> kohyaAll = new TreeSet<>();
        kohya.get("modules").forEach(mod -> kohyaAll.add(mod.get("name").asText()));
        assertThat(all).as("kohya's default module set (192 UNet + 72 text encoder)").isEqualTo(kohyaAll);
    }
}
