package org.lorastudio.model.unet;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.lorastudio.model.unet.UNetConfig.DownBlockType;
import org.lorastudio.model.unet.UNetConfig.UpBlockType;
import org.lorastudio.util.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the UNet of an original CompVis/LDM config ({@code model.params.unet_config.params}, the
 * {@code ldm.modules.diffusionmodules.openaimodel.UNetModel} arguments) into a {@link UNetConfig}, with the meaning
 * the LDM code gives each field and the block layout diffusers' single-file loader derives
 * ({@code create_unet_diffusers_config}):
 * <ul>
 *   <li>block_out_channels = model_channels × channel_mult; layers_per_block = num_res_blocks;</li>
 *   <li>level i (downsampling factor 2^i) has cross-attention iff 2^i is in attention_resolutions, on the way
 *       down and on the way up;</li>
 *   <li>heads per level = num_heads, or channels / num_head_channels when num_head_channels is set (the LDM rule;
 *       SD 2 configs give num_head_channels 64);</li>
 *   <li>context_dim → cross_attention_dim, use_linear_in_transformer → use_linear_projection,
 *       transformer_depth → transformer_layers_per_block;</li>
 *   <li>fixed by the LDM code: GroupNorm(32, eps 1e-5), time embedding 4 × model_channels with cos first and no
 *       frequency shift, downsample padding 1, 3×3 conv_in/conv_out.</li>
 * </ul>
 */
final class LdmUNetConfigReader {
    private static final String PREFIX = "model.params.unet_config.params.";

    /** Accepted fields that do not change the network (memory/precision switches, unused by spatial transformers). */
    private static final Set<String> IGNORED = Set.of("image_size", "use_checkpoint", "use_fp16", "use_bf16",
            "legacy", "num_heads_upsample", "use_new_attention_order", "spatial_transformer_attn_type");

    private static final Set<String> KNOWN = Set.of("in_channels", "out_channels", "model_channels", "channel_mult",
            "num_res_blocks", "attention_resolutions", "num_heads", "num_head_channels", "context_dim",
            "use_linear_in_transformer", "transformer_depth", "transformer_depth_middle", "use_spatial_transformer",
            "dropout", "dims", "conv_resample", "use_scale_shift_norm", "resblock_updown", "num_classes",
            "adm_in_channels", "disable_self_attentions", "num_attention_blocks", "n_embed",
            "disable_middle_self_attn");

    private final Map<?, ?> params;
    private final List<String> problems = new ArrayList<>();

    private LdmUNetConfigReader(Map<?, ?> params) {
        this.params = params;
    }

    static UNetConfig read(Path file) throws IOException {
        Object root;
        try (Reader in = Files.newBufferedReader(file)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (YAMLException e) {
            throw new UserException(file + " is not valid YAML: " + e.getMessage());
        }
        Map<?, ?> modelParams = map(map(root, "model"), "params");
        Map<?, ?> unet = map(modelParams, "unet_config");
        if (unet == null) {
            throw new UserException(file + " has no model.params.unet_config — is it an original (LDM) Stable "
                    + "Diffusion config such as v1-inference.yaml?");
        }
        Object target = unet.get("target");
        if (target != null && !target.toString().endsWith(".UNetModel")) {
            throw new UserException(file + ": model.params.unet_config.target = " + target
                    + " is not supported; expected ldm.modules.diffusionmodules.openaimodel.UNetModel");
        }
        Map<?, ?> params = map(unet, "params");
        if (params == null) {
            throw new UserException(file + " has no model.params.unet_config.params");
        }
        // the latent size lives one level up in LDM configs (model.params.image_size)
        Object imageSize = modelParams.get("image_size");
        int sampleSize = imageSize instanceof Integer i ? i : 64;
        LdmUNetConfigReader r = new LdmUNetConfigReader(params);
        UNetConfig config;
        try {
            config = r.parse(sampleSize);
        } catch (UserException e) { // structural problems found by the record itself
            throw new UserException(file + ": " + e.getMessage(), e);
        }
        if (!r.problems.isEmpty()) {
            throw new UserException(file + ": " + r.problems.size() + " unsupported UNet setting(s): "
                    + String.join("; ", r.problems));
        }
        return config;
    }

    private static Map<?, ?> map(Object parent, String key) {
        if (parent instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> child) {
            return child;
        }
        return null;
    }

    private UNetConfig parse(int sampleSize) {
        for (Object k : params.keySet()) {
            String name = String.valueOf(k);
            if (!KNOWN.contains(name) && !IGNORED.contains(name)) {
                problems.add("unknown field " + PREFIX + name + " = " + params.get(k)
                        + " (not a UNetModel option LoRA Studio knows)");
            }
        }
        requireValue("use_spatial_transformer", false, true, "UNets with AttentionBlock instead of SpatialTransformer");
        requireValue("dropout", 0.0, 0.0, "dropout in the resnets");
        requireValue("dims", 2, 2, "non-2D UNets");
        requireValue("conv_resample", true, true, "resampling without convolution");
        requireValue("use_scale_shift_norm", false, false, "scale-shift time conditioning in the resnets");
        requireValue("resblock_updown", false, false, "resnet up/downsampling");
        requireValue("disable_middle_self_attn", false, false, "transformers without self-attention");
        for (String absent : List.of("num_classes", "adm_in_channels", "n_embed", "disable_self_attentions",
                "num_attention_blocks")) {
            if (params.get(absent) != null) {
                problems.add(PREFIX + absent + " = " + params.get(absent) + " is not supported ("
                        + switch (absent) {
                            case "num_classes", "adm_in_channels" -> "class/SDXL-style addition embeddings";
                            case "n_embed" -> "a codebook output";
                            default -> "transformers without self-attention";
                        } + ")");
            }
        }

        int modelChannels = integer("model_channels", null);
        List<Integer> mult = intList("channel_mult");
        int n = mult.size();
        List<Integer> blockOut = new ArrayList<>();
        mult.forEach(m -> blockOut.add(modelChannels * m));
        List<Integer> layers = intOrList("num_res_blocks", 2, n);
        List<Integer> depth = intOrList("transformer_depth", 1, n);
        if (params.get("transformer_depth_middle") != null && !depth.isEmpty()
                && !Objects.equals(params.get("transformer_depth_middle"), depth.get(n - 1))) {
            problems.add(PREFIX + "transformer_depth_middle = " + params.get("transformer_depth_middle")
                    + " is not supported; the mid block uses the depth of the last level (" + depth.get(n - 1) + ")");
        }
        List<Integer> attentionRes = intList("attention_resolutions");
        List<DownBlockType> down = new ArrayList<>();
        List<UpBlockType> up = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            down.add(attentionRes.contains(1 << i) ? DownBlockType.CrossAttnDownBlock2D : DownBlockType.DownBlock2D);
            up.add(0, attentionRes.contains(1 << i) ? UpBlockType.CrossAttnUpBlock2D : UpBlockType.UpBlock2D);
        }
        List<Integer> heads = heads(blockOut);
        int context = contextDim();
        List<Integer> crossDim = new ArrayList<>();
        blockOut.forEach(c -> crossDim.add(context));
        boolean linear = params.get("use_linear_in_transformer") instanceof Boolean b && b;
        if (params.get("use_linear_in_transformer") != null && !(params.get("use_linear_in_transformer")
                instanceof Boolean)) {
            problems.add(PREFIX + "use_linear_in_transformer must be true or false, found "
                    + params.get("use_linear_in_transformer"));
        }
        int in = integer("in_channels", 4);
        int out = integer("out_channels", 4);
        if (!problems.isEmpty()) {
            return null;
        }
        return new UNetConfig(in, out, sampleSize, blockOut, down, up, layers, heads, crossDim, depth, linear, false,
                32, 1e-5f, true, 0, 1, 1f, false, 3, 3, 4 * modelChannels);
    }

    /** LDM: heads = num_heads unless num_head_channels is set, then channels / num_head_channels per level. */
    private List<Integer> heads(List<Integer> blockOut) {
        int numHeads = integer("num_heads", -1);
        int headChannels = integer("num_head_channels", -1);
        List<Integer> out = new ArrayList<>();
        if (headChannels == -1 && numHeads <= 0) {
            problems.add(PREFIX + "num_heads or " + PREFIX + "num_head_channels must be set (found num_heads = "
                    + numHeads + ", num_head_channels = " + headChannels + ")");
            return out;
        }
        if (headChannels != -1 && headChannels <= 0) {
            problems.add(PREFIX + "num_head_channels must be > 0 or -1, found " + headChannels);
            return out;
        }
        for (int i = 0; i < blockOut.size(); i++) {
            int c = blockOut.get(i);
            if (headChannels == -1) {
                out.add(numHeads);
            } else if (c % headChannels != 0) {
                problems.add("level " + i + " has " + c + " channels, not divisible by " + PREFIX
                        + "num_head_channels = " + headChannels);
            } else {
                out.add(c / headChannels);
            }
        }
        return out;
    }

    private int contextDim() {
        Object v = params.get("context_dim");
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(e -> Objects.equals(e, l.get(0)))
                && l.get(0) instanceof Integer i) {
            return i;
        }
        problems.add(PREFIX + "context_dim = " + v + " is not supported; expected one integer (the text encoder "
                + "width, 768 for SD 1.x)");
        return 0;
    }

    private void requireValue(String name, Object dflt, Object required, String feature) {
        Object v = params.containsKey(name) ? params.get(name) : dflt;
        boolean same = v instanceof Number a && required instanceof Number b
                ? a.doubleValue() == b.doubleValue() : Objects.equals(v, required);
        if (!same) {
            problems.add(PREFIX + name + " = " + v + " is not supported (" + feature + "); expected " + required);
        }
    }

    private int integer(String name, Integer dflt) {
        Object v = params.get(name);
        if (v == null && dflt != null) {
            return dflt;
        }
        if (!(v instanceof Integer i)) {
            problems.add(PREFIX + name + (v == null ? " is missing" : " must be an integer, found " + v));
            return dflt == null ? 0 : dflt;
        }
        return i;
    }

    private List<Integer> intList(String name) {
        Object v = params.get(name);
        List<Integer> out = new ArrayList<>();
        if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof Integer)) {
            l.forEach(e -> out.add((Integer) e));
        } else {
            problems.add(PREFIX + name + (v == null ? " is missing" : " must be a list of integers, found " + v));
        }
        return out;
    }

    private List<Integer> intOrList(String name, int dflt, int levels) {
        Object v = params.get(name);
        if (v == null || v instanceof Integer) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < levels; i++) {
                out.add(v == null ? dflt : (Integer) v);
            }
            return out;
        }
        List<Integer> out = intList(name);
        if (out.size() != levels) {
            problems.add(PREFIX + name + " has " + out.size() + " entries but channel_mult has " + levels);
        }
        return out;
    }
}
