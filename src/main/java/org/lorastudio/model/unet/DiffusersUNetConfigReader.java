package org.lorastudio.model.unet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.lorastudio.model.unet.UNetConfig.DownBlockType;
import org.lorastudio.model.unet.UNetConfig.UpBlockType;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * Reads a diffusers {@code unet/config.json} into a {@link UNetConfig}. Missing fields take the defaults of
 * diffusers' {@code UNet2DConditionModel.__init__} (as {@code from_config} does); fields that would change the
 * network in ways these blocks do not implement must keep their default; unknown fields are errors. All problems
 * are collected and reported together.
 */
final class DiffusersUNetConfigReader {
    /** Fields that must keep their diffusers default, with what a different value would ask for. */
    private static final Map<String, Expected> MUST_BE_DEFAULT = new LinkedHashMap<>();

    static {
        MUST_BE_DEFAULT.put("addition_embed_type", new Expected(NullNode.getInstance(),
                "SDXL-style addition embeddings"));
        MUST_BE_DEFAULT.put("addition_time_embed_dim", new Expected(NullNode.getInstance(),
                "SDXL-style addition embeddings"));
        MUST_BE_DEFAULT.put("class_embed_type", new Expected(NullNode.getInstance(), "class embeddings"));
        MUST_BE_DEFAULT.put("num_class_embeds", new Expected(NullNode.getInstance(), "class embeddings"));
        MUST_BE_DEFAULT.put("encoder_hid_dim", new Expected(NullNode.getInstance(), "an encoder_hid_proj"));
        MUST_BE_DEFAULT.put("encoder_hid_dim_type", new Expected(NullNode.getInstance(), "an encoder_hid_proj"));
        MUST_BE_DEFAULT.put("time_cond_proj_dim", new Expected(NullNode.getInstance(), "timestep conditioning (LCM)"));
        MUST_BE_DEFAULT.put("time_embedding_type", new Expected(new TextNode("positional"),
                "a non-sinusoidal time embedding"));
        MUST_BE_DEFAULT.put("time_embedding_act_fn", new Expected(NullNode.getInstance(),
                "an extra time embedding activation"));
        MUST_BE_DEFAULT.put("timestep_post_act", new Expected(NullNode.getInstance(),
                "an extra time embedding activation"));
        MUST_BE_DEFAULT.put("resnet_time_scale_shift", new Expected(new TextNode("default"),
                "scale-shift time conditioning in the resnets"));
        MUST_BE_DEFAULT.put("dual_cross_attention", new Expected(BooleanNode.FALSE, "dual cross-attention"));
        MUST_BE_DEFAULT.put("attention_type", new Expected(new TextNode("default"), "gated attention"));
        MUST_BE_DEFAULT.put("reverse_transformer_layers_per_block", new Expected(NullNode.getInstance(),
                "per-layer transformer depths on the up path"));
        MUST_BE_DEFAULT.put("dropout", new Expected(new DoubleNode(0.0), "dropout in the resnets"));
        MUST_BE_DEFAULT.put("mid_block_type", new Expected(new TextNode("UNetMidBlock2DCrossAttn"),
                "a mid block other than UNetMidBlock2DCrossAttn"));
    }

    /**
     * Fields diffusers reads only for block types or embeddings this UNet does not have (Simple* blocks, class
     * embeddings), so any value builds the same network, exactly as in diffusers.
     */
    private static final Set<String> UNUSED_BY_THESE_BLOCKS = Set.of("resnet_out_scale_factor",
            "resnet_skip_time_act", "cross_attention_norm", "addition_embed_type_num_heads",
            "mid_block_only_cross_attention", "class_embeddings_concat", "projection_class_embeddings_input_dim");

    private static final Set<String> SUPPORTED = Set.of("in_channels", "out_channels", "sample_size",
            "block_out_channels", "down_block_types", "up_block_types", "layers_per_block", "attention_head_dim",
            "num_attention_heads", "cross_attention_dim", "transformer_layers_per_block", "use_linear_projection",
            "upcast_attention", "norm_num_groups", "norm_eps", "act_fn", "flip_sin_to_cos", "freq_shift",
            "downsample_padding", "mid_block_scale_factor", "center_input_sample", "conv_in_kernel",
            "conv_out_kernel", "time_embedding_dim", "only_cross_attention");

    private record Expected(JsonNode value, String feature) {
    }

    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();

    private DiffusersUNetConfigReader(JsonNode root) {
        this.root = root;
    }

    static UNetConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(TextFiles.readUtf8(file));
        } catch (JsonProcessingException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UserException(file + " must hold a JSON object (a diffusers UNet config)");
        }
        DiffusersUNetConfigReader r = new DiffusersUNetConfigReader(root);
        UNetConfig config;
        try {
            config = r.parse();
        } catch (UserException e) { // structural problems found by the record itself
            throw new UserException(file + ": " + e.getMessage(), e);
        }
        if (!r.problems.isEmpty()) {
            throw new UserException(file + ": " + r.problems.size() + " unsupported UNet setting(s): "
                    + String.join("; ", r.problems));
        }
        return config;
    }

    private UNetConfig parse() {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.startsWith("_") && !SUPPORTED.contains(name) && !MUST_BE_DEFAULT.containsKey(name)
                    && !UNUSED_BY_THESE_BLOCKS.contains(name)) {
                problems.add("unknown field '" + name + "' = " + root.get(name)
                        + " (not a UNet2DConditionModel option LoRA Studio knows)");
            }
        }
        MUST_BE_DEFAULT.forEach((name, expected) -> {
            JsonNode v = root.get(name);
            if (v != null && !sameValue(v, expected.value())) {
                problems.add(name + " = " + v + " is not supported (" + expected.feature() + "); expected "
                        + expected.value());
            }
        });
        String act = text("act_fn", "silu");
        if (!act.equals("silu") && !act.equals("swish")) {
            problems.add("act_fn = \"" + act + "\" is not supported; expected \"silu\"");
        }
        JsonNode onlyCross = root.get("only_cross_attention");
        if (onlyCross != null && (onlyCross.isBoolean() && onlyCross.booleanValue()
                || onlyCross.isArray() && onlyCross.toString().contains("true"))) {
            problems.add("only_cross_attention = " + onlyCross + " is not supported (transformers without "
                    + "self-attention); expected false");
        }

        List<Integer> blockOut = intList("block_out_channels", List.of(320, 640, 1280, 1280));
        int n = blockOut.size();
        List<DownBlockType> down = names("down_block_types", List.of("CrossAttnDownBlock2D",
                "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"), DownBlockType::valueOf,
                DownBlockType.values());
        List<UpBlockType> up = names("up_block_types", List.of("UpBlock2D", "CrossAttnUpBlock2D",
                "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"), UpBlockType::valueOf, UpBlockType.values());
        List<Integer> layers = intOrList("layers_per_block", 2, n);
        // diffusers: num_attention_heads = num_attention_heads or attention_head_dim (legacy naming in SD 1.x)
        JsonNode heads = root.get("num_attention_heads");
        List<Integer> numHeads = heads != null && !heads.isNull()
                ? intOrList("num_attention_heads", 8, n) : intOrList("attention_head_dim", 8, n);
        List<Integer> crossDim = intOrList("cross_attention_dim", 1280, n);
        List<Integer> depth = intOrList("transformer_layers_per_block", 1, n);
        JsonNode ted = root.get("time_embedding_dim");
        int c0 = blockOut.isEmpty() ? 0 : blockOut.get(0);
        int timeEmbeddingDim = ted == null || ted.isNull() ? 4 * c0 : integer("time_embedding_dim", 0);
        JsonNode size = root.get("sample_size");
        int sampleSize = size == null || size.isNull() ? 64 : integer("sample_size", 64);
        if (!problems.isEmpty()) {
            return null;
        }
        return new UNetConfig(integer("in_channels", 4), integer("out_channels", 4), sampleSize, blockOut, down,
                up, layers, numHeads, crossDim, depth, bool("use_linear_projection", false),
                bool("upcast_attention", false), integer("norm_num_groups", 32), (float) number("norm_eps", 1e-5),
                bool("flip_sin_to_cos", true), integer("freq_shift", 0), integer("downsample_padding", 1),
                (float) number("mid_block_scale_factor", 1), bool("center_input_sample", false),
                integer("conv_in_kernel", 3), integer("conv_out_kernel", 3), timeEmbeddingDim);
    }

    private static boolean sameValue(JsonNode found, JsonNode expected) {
        if (expected.isNumber()) {
            return found.isNumber() && found.doubleValue() == expected.doubleValue();
        }
        return found.equals(expected);
    }

    private int integer(String name, int dflt) {
        JsonNode v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            problems.add(name + " must be an integer, found " + v);
            return dflt;
        }
        return v.intValue();
    }

    private double number(String name, double dflt) {
        JsonNode v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber()) {
            problems.add(name + " must be a number, found " + v);
            return dflt;
        }
        return v.doubleValue();
    }

    private boolean bool(String name, boolean dflt) {
        JsonNode v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            problems.add(name + " must be true or false, found " + v);
            return dflt;
        }
        return v.booleanValue();
    }

    private String text(String name, String dflt) {
        JsonNode v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            problems.add(name + " must be a string, found " + v);
            return dflt;
        }
        return v.textValue();
    }

    private List<Integer> intList(String name, List<Integer> dflt) {
        JsonNode v = root.get(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isArray()) {
            problems.add(name + " must be a list of integers, found " + v);
            return dflt;
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                problems.add(name + " must be a list of integers, found " + v);
                return dflt;
            }
            out.add(e.intValue());
        }
        return out;
    }

    /** An int broadcast to every level, or a list with one entry per level (diffusers accepts both). */
    private List<Integer> intOrList(String name, int dflt, int levels) {
        JsonNode v = root.get(name);
        if (v == null || v.isIntegralNumber() && v.canConvertToInt()) {
            int x = v == null ? dflt : v.intValue();
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < levels; i++) {
                out.add(x);
            }
            return out;
        }
        if (v.isArray()) {
            List<Integer> out = intList(name, List.of());
            if (out.size() != levels && problems.stream().noneMatch(s -> s.startsWith(name + " "))) {
                problems.add(name + " has " + out.size() + " entries but block_out_channels has " + levels);
            }
            return out;
        }
        problems.add(name + " must be an integer or a list of integers, found " + v);
        return List.of();
    }

    private <E extends Enum<E>> List<E> names(String name, List<String> dflt, Function<String, E> parse,
                                              E[] allowed) {
        JsonNode v = root.get(name);
        List<String> raw = new ArrayList<>(dflt);
        if (v != null) {
            raw.clear();
            if (!v.isArray()) {
                problems.add(name + " must be a list of block type names, found " + v);
                return List.of();
            }
            v.forEach(e -> raw.add(e.asText()));
        }
        List<E> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            try {
                out.add(parse.apply(raw.get(i)));
            } catch (IllegalArgumentException e) {
                problems.add(name + "[" + i + "] = \"" + raw.get(i) + "\" is not supported; expected one of "
                        + List.of(allowed));
            }
        }
        return out;
    }
}
