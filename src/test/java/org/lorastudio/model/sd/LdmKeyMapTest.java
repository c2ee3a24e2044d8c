package org.lorastudio.model.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lorastudio.model.sd.KeyMapping.Mapped;
import org.lorastudio.model.sd.KeyMapping.SkipReason;
import org.lorastudio.model.sd.KeyMapping.Skipped;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;

class LdmKeyMapTest {
    private final LdmKeyMap sd15 = LdmKeyMap.sd15();

    private static JsonNode json(String fixture) throws IOException {
        return new ObjectMapper().readTree(Files.readString(Fixtures.path(fixture)));
    }

    @ParameterizedTest
    @CsvSource({"unet-ldm.json, UNET, 686", "vae-ldm.json, VAE, 248", "text_encoder-ldm.json, TEXT_ENCODER, 196"})
    @Tag("parity")
    void everySd15SingleFileKeyMapsToItsDiffusersKeyAndBack(String file, Component component, int count)
            throws IOException {
        JsonNode tensors = json("sd15-keys/" + file).get("tensors");
        assertThat(tensors.size()).isEqualTo(count);
        List<String> wrong = new ArrayList<>();
        for (JsonNode t : tensors) {
            String key = t.get("key").asText();
            String from = t.get("from").asText();
            KeyMapping m = sd15.toDiffusers(key);
            if (!m.equals(new Mapped(component, from))) {
                wrong.add(key + " -> " + m + ", expected " + from);
            }
            if (!sd15.toLdm(component, from).equals(java.util.Optional.of(key))) {
                wrong.add(from + " <- " + sd15.toLdm(component, from) + ", expected " + key);
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void layoutsDerivedFromTheSd15ConfigsAreTheSd15Layouts() {
        assertThat(UnetLayout.fromConfig(Fixtures.path("sd15-keys/unet-config.json"))).isEqualTo(UnetLayout.sd15());
        assertThat(VaeLayout.fromConfig(Fixtures.path("sd15-keys/vae-config.json"))).isEqualTo(VaeLayout.sd15());
    }

    /**
     * The tiny fixture has 2 UNet levels (attention in level 0 down / level 1 up) and a 4-level VAE: the single file
     * written by diffusers' converter must map one to one onto the three diffusers files, with equal shapes up to
     * size-1 axes.
     */
    @Test
    @Tag("parity")
    void tinySingleFileMapsOntoEveryKeyOfTheDiffusersFiles() throws IOException {
        UnetLayout unet = UnetLayout.fromConfig(Fixtures.path("sd-tiny-a/model-diffusers/unet/config.json"));
        assertThat(unet).isEqualTo(new UnetLayout(2, 2, List.of(true, false), List.of(false, true), true));
        VaeLayout vae = VaeLayout.fromConfig(Fixtures.path("sd-tiny-a/model-diffusers/vae/config.json"));
        LdmKeyMap map = new LdmKeyMap(unet, vae);
        try (SafetensorsFile single = Fixtures.open("sd-tiny-a/model-single.safetensors");
             SafetensorsFile u = Fixtures.open("sd-tiny-a/model-diffusers/unet/diffusion_pytorch_model.safetensors");
             SafetensorsFile v = Fixtures.open("sd-tiny-a/model-diffusers/vae/diffusion_pytorch_model.safetensors");
             SafetensorsFile te = Fixtures.open("sd-tiny-a/model-diffusers/text_encoder/model.safetensors")) {
            Map<Component, SafetensorsFile> files = Map.of(Component.UNET, u, Component.VAE, v,
                    Component.TEXT_ENCODER, te);
            LdmKeyMap.Split split = map.split(single.tensors().keySet());
            List<String> problems = new ArrayList<>();
            split.skipped().forEach((k, s) -> problems.add("skipped " + k + ": " + s));
            for (Component c : Component.values()) {
                SafetensorsFile target = files.get(c);
                Set<String> covered = new HashSet<>();
                split.of(c).forEach((ldm, diffusers) -> {
                    if (!target.contains(diffusers)) {
                        problems.add(ldm + " -> " + diffusers + " not in the diffusers " + c + " file");
                        return;
                    }
                    long[] a = single.info(ldm).shape();
                    long[] b = target.info(diffusers).shape();
                    if (!Arrays.equals(squeeze(a), squeeze(b))) {
                        problems.add(ldm + " " + Arrays.toString(a) + " vs " + diffusers + " " + Arrays.toString(b));
                    }
                    if (!Arrays.equals(LdmKeyMap.ldmShape(c, diffusers, b), a)) {
                        problems.add("ldmShape of " + diffusers + " is not " + Arrays.toString(a));
                    }
                    if (!map.toLdm(c, diffusers).orElse("").equals(ldm)) {
                        problems.add(diffusers + " does not map back to " + ldm);
                    }
                    covered.add(diffusers);
                });
                Set<String> missing = new HashSet<>(target.tensors().keySet());
                missing.removeAll(covered);
                missing.forEach(k -> problems.add(c + " key " + k + " has no single-file source"));
            }
            assertThat(problems).isEmpty();
            assertThat(split.of(Component.UNET)).hasSize(u.tensors().size());
        }
    }

    private static long[] squeeze(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    @Test
    void bufferEmaAndPositionIdsAreSkippedWithReasons() {
        assertThat(reason("model_ema.diffusion_modelinput_blocks00weight")).isEqualTo(SkipReason.EMA);
        assertThat(reason("model_ema.num_updates")).isEqualTo(SkipReason.EMA);
        for (String b : List.of("betas", "alphas_cumprod", "alphas_cumprod_prev", "sqrt_alphas_cumprod",
                "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod", "sqrt_recip_alphas_cumprod",
                "sqrt_recipm1_alphas_cumprod", "posterior_variance", "posterior_log_variance_clipped",
                "posterior_mean_coef1", "posterior_mean_coef2")) {
            assertThat(reason(b)).as(b).isEqualTo(SkipReason.SCHEDULE_BUFFER);
        }
        assertThat(reason("cond_stage_model.transformer.text_model.embeddings.position_ids"))
                .isEqualTo(SkipReason.POSITION_IDS);
        assertThat(reason("cond_stage_model.transformer.embeddings.position_ids")).isEqualTo(SkipReason.POSITION_IDS);
        assertThat(reason("lora_unet_foo.alpha")).isEqualTo(SkipReason.UNKNOWN_PREFIX);
        assertThat(reason("cond_stage_model.model.positional_embedding")).isEqualTo(SkipReason.UNKNOWN_PREFIX);
        assertThat(reason("model.diffusion_model.input_blocks.99.0.in_layers.0.weight"))
                .isEqualTo(SkipReason.UNMAPPED);
        // SD1.5 has no attention in output level 0: output_blocks.1.1 is not a module
        assertThat(reason("model.diffusion_model.output_blocks.1.1.norm.weight")).isEqualTo(SkipReason.UNMAPPED);
        assertThat(reason("first_stage_model.encoder.mid.attn_1.foo.weight")).isEqualTo(SkipReason.UNMAPPED);
        assertThat(((Skipped) sd15.toDiffusers("model_ema.decay")).detail()).contains("model_ema.decay");
    }

    private SkipReason reason(String key) {
        KeyMapping m = sd15.toDiffusers(key);
        assertThat(m).as(key).isInstanceOf(Skipped.class);
        return ((Skipped) m).reason();
    }

    @Test
    void oldTextEncoderKeysWithoutTextModelGetIt() {
        assertThat(sd15.toDiffusers("cond_stage_model.transformer.encoder.layers.3.mlp.fc1.weight"))
                .isEqualTo(new Mapped(Component.TEXT_ENCODER, "text_model.encoder.layers.3.mlp.fc1.weight"));
        assertThat(sd15.toDiffusers("cond_stage_model.transformer.final_layer_norm.bias"))
                .isEqualTo(new Mapped(Component.TEXT_ENCODER, "text_model.final_layer_norm.bias"));
    }

    @Test
    void legacyDiffusersVaeAttentionNamesMapToTheSameSingleFileKeys() {
        assertThat(LdmKeyMap.modernVaeKey("decoder.mid_block.attentions.0.query.weight"))
                .isEqualTo("decoder.mid_block.attentions.0.to_q.weight");
        assertThat(LdmKeyMap.modernVaeKey("encoder.mid_block.attentions.0.proj_attn.bias"))
                .isEqualTo("encoder.mid_block.attentions.0.to_out.0.bias");
        assertThat(LdmKeyMap.modernVaeKey("encoder.mid_block.attentions.0.group_norm.bias"))
                .isEqualTo("encoder.mid_block.attentions.0.group_norm.bias");
        assertThat(sd15.toLdm(Component.VAE, "encoder.mid_block.attentions.0.value.weight"))
                .contains("first_stage_model.encoder.mid.attn_1.v.weight");
        assertThat(sd15.toLdm(Component.VAE, "decoder.mid_block.attentions.0.key.bias"))
                .contains("first_stage_model.decoder.mid.attn_1.k.bias");
        assertThat(LdmKeyMap.ldmShape(Component.VAE, "decoder.mid_block.attentions.0.proj_attn.weight",
                new long[] {512, 512})).containsExactly(512, 512, 1, 1);
        assertThat(LdmKeyMap.ldmShape(Component.VAE, "decoder.mid_block.attentions.0.to_q.bias",
                new long[] {512})).containsExactly(512);
    }

    @Test
    void indexArithmeticFollowsTheLayoutNotSd15() {
        // 3 levels, 1 resnet per down level, attention everywhere but the lowest level
        LdmKeyMap m = new LdmKeyMap(new UnetLayout(3, 1, List.of(true, true, false), List.of(false, true, true),
                true), new VaeLayout(2, 1));
        assertThat(unet(m, "input_blocks.1.0.in_layers.0.weight")).isEqualTo("down_blocks.0.resnets.0.norm1.weight");
        assertThat(unet(m, "input_blocks.2.0.op.weight")).isEqualTo("down_blocks.0.downsamplers.0.conv.weight");
        assertThat(unet(m, "input_blocks.3.1.proj_in.bias")).isEqualTo("down_blocks.1.attentions.0.proj_in.bias");
        assertThat(unet(m, "input_blocks.5.0.skip_connection.weight"))
                .isEqualTo("down_blocks.2.resnets.0.conv_shortcut.weight");
        assertThat(unet(m, "output_blocks.1.0.emb_layers.1.weight"))
                .isEqualTo("up_blocks.0.resnets.1.time_emb_proj.weight");
        assertThat(unet(m, "output_blocks.1.1.conv.weight")).isEqualTo("up_blocks.0.upsamplers.0.conv.weight");
        assertThat(unet(m, "output_blocks.3.2.conv.bias")).isEqualTo("up_blocks.1.upsamplers.0.conv.bias");
        assertThat(unet(m, "output_blocks.5.1.transformer_blocks.0.ff.net.2.weight"))
                .isEqualTo("up_blocks.2.attentions.1.transformer_blocks.0.ff.net.2.weight");
        assertThat(m.toDiffusers("first_stage_model.decoder.up.1.block.1.nin_shortcut.bias"))
                .isEqualTo(new Mapped(Component.VAE, "decoder.up_blocks.0.resnets.1.conv_shortcut.bias"));
        assertThat(m.toDiffusers("first_stage_model.decoder.up.1.upsample.conv.weight"))
                .isEqualTo(new Mapped(Component.VAE, "decoder.up_blocks.0.upsamplers.0.conv.weight"));
        assertThat(m.toDiffusers("first_stage_model.decoder.up.0.upsample.conv.weight"))
                .isInstanceOf(Skipped.class);
    }

    private static String unet(LdmKeyMap m, String ldm) {
        KeyMapping r = m.toDiffusers(Component.UNET.ldmPrefix() + ldm);
        assertThat(r).as(ldm).isInstanceOf(Mapped.class);
        String key = ((Mapped) r).key();
        assertThat(m.toLdm(Component.UNET, key)).contains(Component.UNET.ldmPrefix() + ldm);
        return key;
    }

    @Test
    void keyFunctionSelectsOneComponent() {
        var unetKeys = sd15.keyFunction(Component.UNET);
        assertThat(unetKeys.apply("model.diffusion_model.out.2.weight")).isEqualTo("conv_out.weight");
        assertThat(unetKeys.apply("first_stage_model.quant_conv.weight")).isNull();
        assertThat(unetKeys.apply("betas")).isNull();
    }
}
