package org.lorastudio.model.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.model.unet.UNetConfig.DownBlockType;
import org.lorastudio.model.unet.UNetConfig.UpBlockType;
import org.lorastudio.nn.Parameter;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class UNetConfigTest {
    /** The unet_config of CompVis v1-inference.yaml (SD 1.x), as A1111 sidecars carry it. */
    private static final String V1_INFERENCE = """
            model:
              target: ldm.models.diffusion.ddpm.LatentDiffusion
              params:
                image_size: 64
                channels: 4
                unet_config:
                  target: ldm.modules.diffusionmodules.openaimodel.UNetModel
                  params:
                    image_size: 32 # unused
                    in_channels: 4
                    out_channels: 4
                    model_channels: 320
                    attention_resolutions: [ 4, 2, 1 ]
                    num_res_blocks: 2
                    channel_mult: [ 1, 2, 4, 4 ]
                    num_heads: 8
                    use_spatial_transformer: True
                    transformer_depth: 1
                    context_dim: 768
                    use_checkpoint: True
                    legacy: False
            """;

    /** The unet_config of Stability's v2-inference.yaml (SD 2.x): 64-channel heads, Linear projections. */
    private static final String V2_INFERENCE = """
            model:
              params:
                image_size: 64
                unet_config:
                  target: ldm.modules.diffusionmodules.openaimodel.UNetModel
                  params:
                    use_checkpoint: True
                    use_fp16: True
                    image_size: 32 # unused
                    in_channels: 4
                    out_channels: 4
                    model_channels: 320
                    attention_resolutions: [ 4, 2, 1 ]
                    num_res_blocks: 2
                    channel_mult: [ 1, 2, 4, 4 ]
                    num_head_channels: 64 # need to fix for flash-attn
                    use_spatial_transformer: True
                    use_linear_in_transformer: True
                    transformer_depth: 1
                    context_dim: 1024
                    legacy: False
            """;

    @TempDir
    Path tmp;

    @Test
    void sd15DefaultsEqualTheRunwaymlConfigJson() throws IOException {
        assertThat(UNetConfig.fromDiffusersJson(Fixtures.path("sd15-keys/unet-config.json")))
                .isEqualTo(UNetConfig.sd15());
    }

    @Test
    void sd15ModelHasExactlyTheDiffusersTensorsWithoutAllocatingWeights() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(Fixtures.path("sd15-keys/unet-diffusers.json").toFile());
        Map<String, List<Long>> want = new LinkedHashMap<>();
        for (JsonNode t : expected.get("tensors")) {
            List<Long> shape = new ArrayList<>();
            t.get("shape").forEach(d -> shape.add(d.longValue()));
            want.put(t.get("key").asText(), shape);
        }
        for (UNetConfig config : List.of(UNetConfig.sd15(),
                UNetConfig.fromDiffusersJson(Fixtures.path("sd15-keys/unet-config.json")))) {
            UNet2DConditionModel unet = new UNet2DConditionModel(config);
            Map<String, Parameter> params = unet.namedParameters();
            assertThat(shapes(params)).containsExactlyEntriesOf(want); // names, shapes and state-dict order
            assertThat(params).hasSize(686);
            assertThat(unet.parameterCount()).isEqualTo(859_520_964L).isEqualTo(expected.get("n_params").asLong());
            assertThat(params.values()).noneMatch(Parameter::isSet);
        }
    }

    @Test
    void tinyModelFromLdmYamlHasTheSameParametersAsFromConfigJson() throws IOException {
        UNetConfig fromJson = UNetConfig.fromDiffusersJson(Fixtures.path("sd-tiny-a/model-diffusers/unet/config.json"));
        UNetConfig fromYaml = UNetConfig.fromLdmYaml(Fixtures.path("sd-tiny-a/model-single.yaml"));
        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(shapes(new UNet2DConditionModel(fromYaml).namedParameters()))
                .containsExactlyEntriesOf(shapes(new UNet2DConditionModel(fromJson).namedParameters()));
        assertThat(fromJson.blockOutChannels()).containsExactly(32, 64);
        assertThat(fromJson.numAttentionHeads()).containsExactly(2, 2);
        assertThat(fromJson.downBlockTypes())
                .containsExactly(DownBlockType.CrossAttnDownBlock2D, DownBlockType.DownBlock2D);
        assertThat(fromJson.upBlockTypes()).containsExactly(UpBlockType.UpBlock2D, UpBlockType.CrossAttnUpBlock2D);
    }

    @Test
    void v1InferenceYamlIsSd15() throws IOException {
        assertThat(UNetConfig.fromLdmYaml(write("v1-inference.yaml", V1_INFERENCE))).isEqualTo(UNetConfig.sd15());
    }

    @Test
    void v2InferenceYamlGivesHeadsPerLevelFromHeadChannelsAndLinearProjections() throws IOException {
        UNetConfig c = UNetConfig.fromLdmYaml(write("v2-inference.yaml", V2_INFERENCE));
        assertThat(c.numAttentionHeads()).containsExactly(5, 10, 20, 20);
        assertThat(c.crossAttentionDim()).containsOnly(1024);
        assertThat(c.useLinearProjection()).isTrue();
        Map<String, Parameter> p = new UNet2DConditionModel(c).namedParameters();
        assertThat(p.get("down_blocks.0.attentions.0.proj_in.weight").shape().getShape()).containsExactly(320, 320);
        assertThat(p.get("mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight").shape().getShape())
                .containsExactly(1280, 1024);
    }

    @Test
    void perBlockHeadListsAreReversedOnTheUpPath() throws IOException {
        ObjectNode json = tinyJson();
        json.putArray("attention_head_dim").add(2).add(4);
        json.putArray("up_block_types").add("CrossAttnUpBlock2D").add("CrossAttnUpBlock2D");
        UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.fromDiffusersJson(write(json)));
        assertThat(heads(unet, "down_blocks.0.attentions.0")).isEqualTo(2);
        assertThat(heads(unet, "mid_block.attentions.0")).isEqualTo(4);
        assertThat(heads(unet, "up_blocks.0.attentions.0")).isEqualTo(4);
        assertThat(heads(unet, "up_blocks.1.attentions.2")).isEqualTo(2);
    }

    @Test
    void numAttentionHeadsTakesPrecedenceOverAttentionHeadDim() throws IOException {
        ObjectNode json = tinyJson();
        json.put("num_attention_heads", 4);
        assertThat(UNetConfig.fromDiffusersJson(write(json)).numAttentionHeads()).containsExactly(4, 4);
    }

    @Test
    void sdxlStyleJsonIsRejectedNamingEveryOffendingField() throws IOException {
        ObjectNode json = tinyJson();
        json.put("addition_embed_type", "text_time");
        json.put("attention_type", "gated");
        json.put("act_fn", "mish");
        json.put("shiny_new_option", 3);
        Path file = write(json);
        assertThatThrownBy(() -> UNetConfig.fromDiffusersJson(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("4 unsupported UNet setting(s)")
                .hasMessageContaining("addition_embed_type = \"text_time\" is not supported (SDXL-style addition "
                        + "embeddings); expected null")
                .hasMessageContaining("attention_type = \"gated\" is not supported")
                .hasMessageContaining("act_fn = \"mish\" is not supported")
                .hasMessageContaining("unknown field 'shiny_new_option' = 3");
    }

    @Test
    void unknownBlockTypesAndWrongListLengthsAreReported() throws IOException {
        ObjectNode json = tinyJson();
        json.putArray("down_block_types").add("AttnDownBlock2D").add("DownBlock2D");
        json.putArray("layers_per_block").add(2);
        Path file = write(json);
        assertThatThrownBy(() -> UNetConfig.fromDiffusersJson(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("down_block_types[0] = \"AttnDownBlock2D\" is not supported; expected one of "
                        + "[CrossAttnDownBlock2D, DownBlock2D]")
                .hasMessageContaining("layers_per_block has 1 entries but block_out_channels has 2");
    }

    @Test
    void headsThatDoNotDivideTheChannelsAreReported() throws IOException {
        ObjectNode json = tinyJson();
        json.put("attention_head_dim", 5);
        Path file = write(json);
        assertThatThrownBy(() -> UNetConfig.fromDiffusersJson(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("block_out_channels[0] = 32 is not divisible by the number of attention heads 5")
                .hasMessageContaining("block_out_channels[1] = 64 is not divisible by the number of attention heads 5");
    }

    @Test
    void ldmYamlWithClassEmbeddingsOrWithoutHeadsIsRejected() throws IOException {
        String sdxlish = V1_INFERENCE.replace("num_heads: 8", "num_classes: sequential\n"
                + "        adm_in_channels: 2816\n        transformer_depth_middle: 4");
        Path file = write("sdxl.yaml", sdxlish);
        assertThatThrownBy(() -> UNetConfig.fromLdmYaml(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("model.params.unet_config.params.num_classes = sequential is not supported "
                        + "(class/SDXL-style addition embeddings)")
                .hasMessageContaining("model.params.unet_config.params.adm_in_channels = 2816 is not supported")
                .hasMessageContaining("transformer_depth_middle = 4 is not supported")
                .hasMessageContaining("num_heads or model.params.unet_config.params.num_head_channels must be set");
    }

    @Test
    void ldmYamlWithoutSpatialTransformerOrWithUnknownKeysIsRejected() throws IOException {
        String old = V1_INFERENCE.replace("use_spatial_transformer: True", "use_spatial_transformer: False\n"
                + "        mystery_switch: 1");
        Path file = write("old.yaml", old);
        assertThatThrownBy(() -> UNetConfig.fromLdmYaml(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("use_spatial_transformer = false is not supported (UNets with AttentionBlock")
                .hasMessageContaining("unknown field model.params.unet_config.params.mystery_switch = 1");
        Path notLdm = write("other.yaml", "model:\n  params:\n    foo: 1\n");
        assertThatThrownBy(() -> UNetConfig.fromLdmYaml(notLdm))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("has no model.params.unet_config");
    }

    private static Map<String, List<Long>> shapes(Map<String, Parameter> params) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        params.forEach((k, p) -> {
            List<Long> shape = new ArrayList<>();
            for (long d : p.shape().getShape()) {
                shape.add(d);
            }
            out.put(k, shape);
        });
        return out;
    }

    private static int heads(UNet2DConditionModel unet, String transformer) {
        return ((Attention) unet.module(transformer + ".transformer_blocks.0.attn1")).heads();
    }

    private static ObjectNode tinyJson() throws IOException {
        return (ObjectNode) new ObjectMapper().readTree(
                Fixtures.path("sd-tiny-a/model-diffusers/unet/config.json").toFile());
    }

    private Path write(ObjectNode json) throws IOException {
        Path p = tmp.resolve("config.json");
        new ObjectMapper().writeValue(p.toFile(), json);
        return p;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(tmp.resolve(name), text);
    }
}
