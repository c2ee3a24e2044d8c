package org.lorastudio.model.sd;

import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.lorastudio.model.sd.KeyMapping.Mapped;
import org.lorastudio.model.sd.KeyMapping.SkipReason;
import org.lorastudio.model.sd.KeyMapping.Skipped;

/**
 * Key mapping between the original single-file (CompVis/LDM) Stable Diffusion checkpoint and the diffusers /
 * transformers component layouts, both directions, as pure functions over key strings.
 *
 * <p>Derived from diffusers' {@code loaders/single_file_utils.py} ({@code convert_ldm_unet_checkpoint},
 * {@code convert_ldm_vae_checkpoint}) and {@code scripts/convert_diffusers_to_original_stable_diffusion.py}: the UNet's
 * {@code input_blocks} / {@code output_blocks} indices follow from the {@link UnetLayout} (index arithmetic below),
 * the VAE decoder's levels are numbered backwards, resnet and VAE-attention parts are renamed, and everything inside
 * a Transformer2DModel keeps its name. The text encoder only loses its {@code cond_stage_model.transformer.} prefix.
 *
 * <p>UNet, with n = layers_per_block and L levels: {@code down_blocks.i.resnets.j} ↔
 * {@code input_blocks.(i(n+1)+j+1).0}, its attention ↔ {@code …​.1}; {@code down_blocks.i.downsamplers.0.conv} ↔ {@code input_blocks.((i+1)(n+1)).0.op};
 * {@code up_blocks.i.resnets.j} (j ≤ n) ↔ {@code output_blocks.(i(n+1)+j).0}, attention ↔ {@code …​.1}, and the
 * upsampler of level i &lt; L−1 ↔ {@code output_blocks.(i(n+1)+n).1.conv}, or {@code .2.conv} after an attention.
 *
 * <p>Shapes: all tensors keep their shape except the VAE mid-attention q/k/v/proj_out weights, which are 1×1 conv
 * kernels [C, C, 1, 1] in the single file and Linear [C, C] in diffusers ({@code Weights.load} drops size-1 axes;
 * {@link #ldmShape} gives the single-file shape for writing).
 */
public final class LdmKeyMap {
    /** Top-level DDPM buffers of CompVis checkpoints (ldm/models/diffusion/ddpm.py {@code register_schedule}). */
    static final Set<String> SCHEDULE_BUFFERS = Set.of("betas", "alphas_cumprod", "alphas_cumprod_prev",
            "sqrt_alphas_cumprod", "sqrt_one_minus_alphas_cumprod", "log_one_minus_alphas_cumprod",
            "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod", "posterior_variance",
            "posterior_log_variance_clipped", "posterior_mean_coef1", "posterior_mean_coef2", "logvar");

    private static final String TEXT_MODEL = "text_model.";

    /** How the part of a key after a module prefix is renamed. */
    private enum Inner {
        /** Only a parameter name follows ({@code weight}, {@code bias}). */
        PARAM(Map.of()),
        /** Names inside are identical in both layouts (Transformer2DModel). */
        SAME(Map.of()),
        /** LDM ResBlock ↔ diffusers ResnetBlock2D. */
        UNET_RESNET(Map.of("in_layers.0", "norm1", "in_layers.2", "conv1", "emb_layers.1", "time_emb_proj",
                "out_layers.0", "norm2", "out_layers.3", "conv2", "skip_connection", "conv_shortcut")),
        /** LDM VAE ResnetBlock ↔ diffusers ResnetBlock2D (no time embedding). */
        VAE_RESNET(Map.of("norm1", "norm1", "conv1", "conv1", "norm2", "norm2", "conv2", "conv2",
                "nin_shortcut", "conv_shortcut")),
        /** LDM AttnBlock ↔ diffusers Attention of the VAE mid block. */
        VAE_ATTENTION(Map.of("norm", "group_norm", "q", "to_q", "k", "to_k", "v", "to_v", "proj_out", "to_out.0"));

        final Map<String, String> toDiffusers;
        final Map<String, String> toLdm;

        Inner(Map<String, String> toDiffusers) {
            this.toDiffusers = toDiffusers;
            Map<String, String> rev = new HashMap<>();
            toDiffusers.forEach((k, v) -> rev.put(v, k));
            this.toLdm = Map.copyOf(rev);
        }
    }

    private record Target(String module, Inner inner) {
    }

    /** Module prefix tables per component and direction (module paths without the component prefix). */
    private final Map<Component, Map<String, Target>> toDiffusers = new EnumMap<>(Component.class);
    private final Map<Component, Map<String, Target>> toLdm = new EnumMap<>(Component.class);
    private final UnetLayout unet;
    private final VaeLayout vae;

    public LdmKeyMap(UnetLayout unet, VaeLayout vae) {
        this.unet = unet;
        this.vae = vae;
        toDiffusers.put(Component.UNET, new HashMap<>());
        toDiffusers.put(Component.VAE, new HashMap<>());
        toLdm.put(Component.UNET, new HashMap<>());
        toLdm.put(Component.VAE, new HashMap<>());
        buildUnet();
        buildVae();
    }

    /** The mapping for SD1.x checkpoints. */
    public static LdmKeyMap sd15() {
        return new LdmKeyMap(UnetLayout.sd15(), VaeLayout.sd15());
    }

    public UnetLayout unetLayout() {
        return unet;
    }

    public VaeLayout vaeLayout() {
        return vae;
    }

    private void buildUnet() {
        int n = unet.layersPerBlock();
        int levels = unet.levels();
        pair(Component.UNET, "time_embed.0", "time_embedding.linear_1", Inner.PARAM);
        pair(Component.UNET, "time_embed.2", "time_embedding.linear_2", Inner.PARAM);
        pair(Component.UNET, "input_blocks.0.0", "conv_in", Inner.PARAM);
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < n; j++) {
                int in = i * (n + 1) + j + 1;
                pair(Component.UNET, "input_blocks." + in + ".0", "down_blocks." + i + ".resnets." + j,
                        Inner.UNET_RESNET);
                if (unet.downAttention().get(i)) {
                    pair(Component.UNET, "input_blocks." + in + ".1", "down_blocks." + i + ".attentions." + j,
                            Inner.SAME);
                }
            }
            if (i < levels - 1) {
                pair(Component.UNET, "input_blocks." + (i + 1) * (n + 1) + ".0.op",
                        "down_blocks." + i + ".downsamplers.0.conv", Inner.PARAM);
            }
        }
        if (unet.midAttention()) {
            pair(Component.UNET, "middle_block.0", "mid_block.resnets.0", Inner.UNET_RESNET);
            pair(Component.UNET, "middle_block.1", "mid_block.attentions.0", Inner.SAME);
            pair(Component.UNET, "middle_block.2", "mid_block.resnets.1", Inner.UNET_RESNET);
        } else {
            pair(Component.UNET, "middle_block.0", "mid_block.resnets.0", Inner.UNET_RESNET);
            pair(Component.UNET, "middle_block.1", "mid_block.resnets.1", Inner.UNET_RESNET);
        }
        for (int i = 0; i < levels; i++) {
            boolean attention = unet.upAttention().get(i);
            for (int j = 0; j <= n; j++) {
                int out = i * (n + 1) + j;
                pair(Component.UNET, "output_blocks." + out + ".0", "up_blocks." + i + ".resnets." + j,
                        Inner.UNET_RESNET);
                if (attention) {
                    pair(Component.UNET, "output_blocks." + out + ".1", "up_blocks." + i + ".attentions." + j,
                            Inner.SAME);
                }
            }
            if (i < levels - 1) {
                pair(Component.UNET, "output_blocks." + (i * (n + 1) + n) + (attention ? ".2" : ".1") + ".conv",
                        "up_blocks." + i + ".upsamplers.0.conv", Inner.PARAM);
            }
        }
        pair(Component.UNET, "out.0", "conv_norm_out", Inner.PARAM);
        pair(Component.UNET, "out.2", "conv_out", Inner.PARAM);
    }

    private void buildVae() {
        int n = vae.layersPerBlock();
        int levels = vae.levels();
        for (String part : new String[] {"encoder", "decoder"}) {
            pair(Component.VAE, part + ".conv_in", part + ".conv_in", Inner.PARAM);
            pair(Component.VAE, part + ".conv_out", part + ".conv_out", Inner.PARAM);
            pair(Component.VAE, part + ".norm_out", part + ".conv_norm_out", Inner.PARAM);
            pair(Component.VAE, part + ".mid.block_1", part + ".mid_block.resnets.0", Inner.VAE_RESNET);
            pair(Component.VAE, part + ".mid.block_2", part + ".mid_block.resnets.1", Inner.VAE_RESNET);
            pair(Component.VAE, part + ".mid.attn_1", part + ".mid_block.attentions.0", Inner.VAE_ATTENTION);
        }
        for (int i = 0; i < levels; i++) {
            for (int j = 0; j < n; j++) {
                pair(Component.VAE, "encoder.down." + i + ".block." + j, "encoder.down_blocks." + i + ".resnets." + j,
                        Inner.VAE_RESNET);
            }
            if (i < levels - 1) {
                pair(Component.VAE, "encoder.down." + i + ".downsample.conv",
                        "encoder.down_blocks." + i + ".downsamplers.0.conv", Inner.PARAM);
            }
            int ldmLevel = levels - 1 - i; // decoder.up_blocks.i ↔ decoder.up.(L−1−i): reversed numbering
            for (int j = 0; j <= n; j++) {
                pair(Component.VAE, "decoder.up." + ldmLevel + ".block." + j,
                        "decoder.up_blocks." + i + ".resnets." + j, Inner.VAE_RESNET);
            }
            if (i < levels - 1) {
                pair(Component.VAE, "decoder.up." + ldmLevel + ".upsample.conv",
                        "decoder.up_blocks." + i + ".upsamplers.0.conv", Inner.PARAM);
            }
        }
        pair(Component.VAE, "quant_conv", "quant_conv", Inner.PARAM);
        pair(Component.VAE, "post_quant_conv", "post_quant_conv", Inner.PARAM);
    }

    private void pair(Component c, String ldm, String diffusers, Inner inner) {
        toDiffusers.get(c).put(ldm, new Target(diffusers, inner));
        toLdm.get(c).put(diffusers, new Target(ldm, inner));
    }

    /** Maps one single-file key to its component and diffusers / transformers key, or says why it is skipped. */
    public KeyMapping toDiffusers(String ldmKey) {
        if (ldmKey.startsWith("model_ema.")) {
            return new Skipped(SkipReason.EMA, "EMA copy '" + ldmKey + "' (the model.diffusion_model.* weights are"
                    + " loaded)");
        }
        if (SCHEDULE_BUFFERS.contains(ldmKey)) {
            return new Skipped(SkipReason.SCHEDULE_BUFFER, "noise schedule buffer '" + ldmKey
                    + "' (recomputed from the scheduler config)");
        }
        for (Component c : Component.values()) {
            if (ldmKey.startsWith(c.ldmPrefix())) {
                return mapInside(c, ldmKey, ldmKey.substring(c.ldmPrefix().length()));
            }
        }
        if (ldmKey.startsWith("cond_stage_model.")) {
            return new Skipped(SkipReason.UNKNOWN_PREFIX, "'" + ldmKey + "' is not a CLIP transformer key"
                    + " (SD 2.x OpenCLIP text encoders are not supported)");
        }
        return new Skipped(SkipReason.UNKNOWN_PREFIX, "'" + ldmKey + "' is outside model.diffusion_model.,"
                + " first_stage_model. and cond_stage_model.transformer.");
    }

    private KeyMapping mapInside(Component c, String ldmKey, String rest) {
        if (c == Component.TEXT_ENCODER) {
            String key = rest.startsWith(TEXT_MODEL) ? rest : TEXT_MODEL + rest; // old files lack "text_model."
            if (key.equals("text_model.embeddings.position_ids")) {
                return new Skipped(SkipReason.POSITION_IDS, "'" + ldmKey + "' is regenerated as 0..n-1");
            }
            return new Mapped(c, key);
        }
        return rename(toDiffusers.get(c), rest, true)
                .<KeyMapping>map(k -> new Mapped(c, k))
                .orElseGet(() -> new Skipped(SkipReason.UNMAPPED, "'" + ldmKey + "' is not part of a "
                        + (c == Component.UNET ? "UNet with layout " + unet : "VAE with layout " + vae)));
    }

    /**
     * The single-file key of a diffusers / transformers key of {@code component}, if it has one. VAE keys in the
     * pre-0.17 diffusers naming ({@code query/key/value/proj_attn}) are accepted.
     */
    public Optional<String> toLdm(Component component, String diffusersKey) {
        if (component == Component.TEXT_ENCODER) {
            return Optional.of(component.ldmPrefix() + diffusersKey);
        }
        String key = component == Component.VAE ? modernVaeKey(diffusersKey) : diffusersKey;
        return rename(toLdm.get(component), key, false).map(k -> component.ldmPrefix() + k);
    }

    /**
     * Rewrites the mid-block attention names of VAE folders saved by diffusers &lt; 0.17 ({@code query}, {@code key},
     * {@code value}, {@code proj_attn}) to the current ones ({@code to_q}, {@code to_k}, {@code to_v},
     * {@code to_out.0}); other keys are returned unchanged.
     */
    public static String modernVaeKey(String diffusersKey) {
        int at = diffusersKey.indexOf("mid_block.attentions.0.");
        if (at < 0) {
            return diffusersKey;
        }
        String head = diffusersKey.substring(0, at + "mid_block.attentions.0.".length());
        String tail = diffusersKey.substring(head.length());
        for (String[] r : new String[][] {{"query.", "to_q."}, {"key.", "to_k."}, {"value.", "to_v."},
                {"proj_attn.", "to_out.0."}}) {
            if (tail.startsWith(r[0])) {
                return head + r[1] + tail.substring(r[0].length());
            }
        }
        return diffusersKey;
    }

    /**
     * The shape a diffusers tensor has in a single file: the VAE mid-attention projection weights gain two size-1
     * axes ([C, C] → [C, C, 1, 1], 1×1 conv kernels); everything else is unchanged.
     */
    public static long[] ldmShape(Component component, String diffusersKey, long[] shape) {
        String key = component == Component.VAE ? modernVaeKey(diffusersKey) : diffusersKey;
        if (component == Component.VAE && shape.length == 2 && key.contains("mid_block.attentions.0.to_")
                && key.endsWith(".weight")) {
            return new long[] {shape[0], shape[1], 1, 1};
        }
        return shape.clone();
    }

    /** Longest module prefix of {@code key} in {@code table}, then the inner rename of what follows. */
    private static Optional<String> rename(Map<String, Target> table, String key, boolean forward) {
        String[] parts = key.split("\\.");
        StringBuilder prefix = new StringBuilder();
        String[] prefixes = new String[parts.length];
        for (int i = 0; i < parts.length; i++) {
            prefix.append(i == 0 ? "" : ".").append(parts[i]);
            prefixes[i] = prefix.toString();
        }
        for (int p = parts.length - 2; p >= 0; p--) {
            Target target = table.get(prefixes[p]);
            if (target != null) {
                String suffix = key.substring(prefixes[p].length() + 1);
                return renameInner(target, suffix, forward).map(s -> target.module() + "." + s);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> renameInner(Target target, String suffix, boolean forward) {
        switch (target.inner()) {
            case PARAM:
                return suffix.contains(".") ? Optional.empty() : Optional.of(suffix);
            case SAME:
                return Optional.of(suffix);
            default:
                Map<String, String> names = forward ? target.inner().toDiffusers : target.inner().toLdm;
                int cut = suffix.lastIndexOf('.');
                while (cut > 0) {
                    String head = suffix.substring(0, cut);
                    String renamed = names.get(head);
                    if (renamed != null) {
                        String param = suffix.substring(cut + 1);
                        return param.contains(".") ? Optional.empty() : Optional.of(renamed + "." + param);
                    }
                    cut = head.lastIndexOf('.');
                }
                return Optional.empty();
        }
    }

    /** Every key of a single file sorted by outcome. */
    public record Split(Map<Component, Map<String, String>> mapped, Map<String, Skipped> skipped) {
        public Split {
            Map<Component, Map<String, String>> copy = new EnumMap<>(Component.class);
            mapped.forEach((c, m) -> copy.put(c, Map.copyOf(m)));
            mapped = java.util.Collections.unmodifiableMap(copy);
            skipped = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        }

        /** single-file key → diffusers key of one component (empty if none). */
        public Map<String, String> of(Component c) {
            return mapped.getOrDefault(c, Map.of());
        }
    }

    /** Maps every key; the mapped ones per component (single-file key → diffusers key), the rest with reasons. */
    public Split split(Collection<String> ldmKeys) {
        Map<Component, Map<String, String>> mapped = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            mapped.put(c, new LinkedHashMap<>());
        }
        Map<String, Skipped> skipped = new LinkedHashMap<>();
        for (String k : ldmKeys) {
            KeyMapping m = toDiffusers(k);
            if (m instanceof Mapped mp) {
                mapped.get(mp.component()).put(k, mp.key());
            } else {
                skipped.put(k, (Skipped) m);
            }
        }
        return new Split(mapped, skipped);
    }

    /**
     * A key function for {@code Weights.refs(file, …)}: the diffusers key of a single-file key that belongs to
     * {@code component}, else null.
     */
    public Function<String, String> keyFunction(Component component) {
        return k -> toDiffusers(k) instanceof Mapped m && m.component() == component ? m.key() : null;
    }
}
