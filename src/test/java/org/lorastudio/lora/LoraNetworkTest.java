package org.lorastudio.lora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.util.UserException;

class LoraNetworkTest {
    @TempDir
    Path dir;

    /** A miniature of the UNet's naming: attentions.N.transformer_blocks.0.attn1.{to_q,...} plus a resnet conv. */
    static final class Attn extends Module {
        final Linear toQ = child("to_q", new Linear(8, 8, false));
        final Linear toK = child("to_k", new Linear(8, 8, false));
        final Linear toV = child("to_v", new Linear(8, 8, false));
        final ModuleList<Linear> toOut = child("to_out", new ModuleList<Linear>().add(new Linear(8, 8, true)));
    }

    static final class Block extends Module {
        final Attn attn1 = child("attn1", new Attn());
    }

    static final class Transformer extends Module {
        final Conv2d projIn = child("proj_in", Conv2d.k1(8, 8));
        final ModuleList<Block> blocks = child("transformer_blocks", new ModuleList<Block>().add(new Block()));
    }

    static final class Resnet extends Module {
        final Conv2d conv1 = child("conv1", Conv2d.k3(8, 8));
    }

    static final class Tiny extends Module {
        final ModuleList<Transformer> attentions = child("attentions", new ModuleList<Transformer>().add(new Transformer()));
        final ModuleList<Resnet> resnets = child("resnets", new ModuleList<Resnet>().add(new Resnet()));

        NDArray forward(NDArray x) { // x (B, 8, 4, 4)
            NDArray h = resnets.get(0).conv1.forward(x);
            h = attentions.get(0).projIn.forward(h);
            NDArray seq = h.reshape(h.getShape().get(0), 8, 16).transpose(0, 2, 1); // (B, 8, 4, 4) -> (B, 16, 8)
            Attn a = attentions.get(0).blocks.get(0).attn1;
            return a.toOut.get(0).forward(a.toQ.forward(seq).add(a.toK.forward(seq)).mul(a.toV.forward(seq)));
        }
    }

    private static Tiny tiny(NDManager m) {
        Tiny t = new Tiny();
        Engine.getInstance().setRandomSeed(1);
        Weights.initialize(t, m, p -> m.randomNormal(p.shape()).mul(0.3f));
        return t;
    }

    @Test
    void attentionsKeywordSelectsQkvOutWithKohyaNames() {
        Map<String, AdaptableLayer> t = LoraTargets.resolve(new Tiny(), LoraTargets.UNET, List.of("attentions"));
        assertThat(t.keySet()).containsExactly(
                "lora_unet_attentions_0_transformer_blocks_0_attn1_to_q",
                "lora_unet_attentions_0_transformer_blocks_0_attn1_to_k",
                "lora_unet_attentions_0_transformer_blocks_0_attn1_to_v",
                "lora_unet_attentions_0_transformer_blocks_0_attn1_to_out_0");
        assertThat(LoraTargets.resolve(new Tiny(), LoraTargets.UNET, List.of("resnets")).keySet())
                .containsExactly("lora_unet_resnets_0_conv1");
        assertThat(LoraTargets.resolve(new Tiny(), LoraTargets.UNET, List.of("transformers"))).hasSize(5);
    }

    @Test
    void unknownTargetListsCloseRealNames() {
        assertThatThrownBy(() -> LoraTargets.resolve(new Tiny(), LoraTargets.UNET, List.of("to_qq")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'to_qq' matches no layer")
                .hasMessageContaining("to_q");
    }

    @Test
    void freshLoraLeavesOutputBitIdenticalAndTrainedOneChangesIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            Tiny t = tiny(m);
            NDArray x = m.randomNormal(new Shape(2, 8, 4, 4));
            float[] base = t.forward(x).toFloatArray();
            LoraNetwork net = LoraNetwork.create(
                    LoraTargets.resolve(t, LoraTargets.UNET, List.of("attentions", "resnets")), 4, 2f, m,
                    new Random(7));
            net.attach();
            assertThat(t.forward(x).toFloatArray()).containsExactly(base);
            net.layers().values().forEach(l -> l.replaceWeights(l.down(), l.up().onesLike().mul(0.1f)));
            assertThat(t.forward(x).toFloatArray()).isNotEqualTo(base);
            net.detach();
            assertThat(t.forward(x).toFloatArray()).containsExactly(base);
        }
    }

    @Test
    void kohyaFileRoundTripsAndReproducesOutputs() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Tiny t = tiny(m);
            NDArray x = m.randomNormal(new Shape(1, 8, 4, 4));
            LoraNetwork net = LoraNetwork.create(
                    LoraTargets.resolve(t, LoraTargets.UNET, List.of("attentions", "resnets")), 4, 2f, m,
                    new Random(7));
            net.layers().values().forEach(l -> l.replaceWeights(l.down(), m.randomNormal(l.up().getShape())));
            net.attach();
            float[] trained = t.forward(x).toFloatArray();
            net.detach();
            Path f = dir.resolve("tiny.safetensors");
            KohyaLoraWriter.write(net, f, DType.F32, Map.of("ss_network_dim", "4", "ss_network_alpha", "2.0"));

            try (SafetensorsFile s = SafetensorsFile.open(f)) {
                assertThat(s.tensors()).hasSize(5 * 3);
                assertThat(s.info("lora_unet_resnets_0_conv1.lora_down.weight").shape()).containsExactly(4, 8, 3, 3);
                assertThat(s.info("lora_unet_resnets_0_conv1.lora_up.weight").shape()).containsExactly(8, 4, 1, 1);
                assertThat(s.info("lora_unet_resnets_0_conv1.alpha").rank()).isZero();
                assertThat(s.metadata()).containsKeys("ss_network_dim", "sshs_model_hash", "sshs_legacy_hash");
                assertThat(s.metadata().get("sshs_model_hash")).hasSize(64);
            }
            LoraFile read = LoraFile.read(f);
            assertThat(read.format()).isEqualTo(LoraFile.Format.KOHYA);
            LoraNetwork back = LoraNetwork.fromFile(read, LoraTargets.byKohyaName(t, LoraTargets.UNET), m);
            back.attach();
            assertThat(t.forward(x).toFloatArray()).containsExactly(trained);
            back.setMultiplier(0f);
            assertThat(back.layers().values()).allSatisfy(l -> assertThat(l.scale()).isEqualTo(0.5f));
        }
    }

    @Test
    void loraForAnotherModelIsRejectedWithModuleNames() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Tiny t = tiny(m);
            LoraNetwork net = LoraNetwork.create(
                    LoraTargets.resolve(t, LoraTargets.UNET, List.of("attentions")), 2, 2f, m, new Random(1));
            Path f = dir.resolve("a.safetensors");
            KohyaLoraWriter.write(net, f, DType.F16, Map.of());
            Map<String, AdaptableLayer> onlyResnet = LoraTargets.byKohyaName(t.resnets, LoraTargets.UNET);
            assertThatThrownBy(() -> LoraNetwork.fromFile(LoraFile.read(f), onlyResnet, m))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("4 modules the model does not have")
                    .hasMessageContaining("attn1_to_q");
        }
    }
}
