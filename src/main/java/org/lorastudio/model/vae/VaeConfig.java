package org.lorastudio.model.vae;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * The fields of diffusers' {@code AutoencoderKL} config that shape the SD1.x VAE (FORMATS §2.2). Missing fields take
 * the SD1.5 values. Only the SD1.x block types (DownEncoderBlock2D / UpDecoderBlock2D, SiLU, quant convs, mid
 * attention, no shift factor) are supported; anything else is reported.
 */
public record VaeConfig(int inChannels, int outChannels, List<Integer> blockOutChannels, int layersPerBlock,
                        int latentChannels, int normNumGroups, float scalingFactor) {
    /** diffusers builds every VAE norm (resnets, attention, conv_norm_out) with eps 1e-6. */
    public static final float NORM_EPS = 1e-6f;

    public VaeConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        List<String> problems = new ArrayList<>();
        positive(problems, "in_channels", inChannels);
        positive(problems, "out_channels", outChannels);
        positive(problems, "layers_per_block", layersPerBlock);
        positive(problems, "latent_channels", latentChannels);
        positive(problems, "norm_num_groups", normNumGroups);
        if (blockOutChannels.isEmpty()) {
            problems.add("block_out_channels must not be empty");
        }
        for (int c : blockOutChannels) {
            if (c <= 0 || (normNumGroups > 0 && c % normNumGroups != 0)) {
                problems.add("block_out_channels entry " + c + " must be a positive multiple of norm_num_groups "
                        + normNumGroups);
            }
        }
        if (!(scalingFactor > 0)) {
            problems.add("scaling_factor must be > 0, found " + scalingFactor);
        }
        if (!problems.isEmpty()) {
            throw new UserException("VAE config: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String name, int value) {
        if (value <= 0) {
            problems.add(name + " must be > 0, found " + value);
        }
    }

    /** The SD1.5 VAE: channels 128, 256, 512, 512, two resnets per level, 4 latent channels, scale 0.18215. */
    public static VaeConfig sd15() {
        return new VaeConfig(3, 3, List.of(128, 256, 512, 512), 2, 4, 32, 0.18215f);
    }

    public int levels() {
        return blockOutChannels.size();
    }

    /** Spatial down-sampling factor from pixels to latents (8 for SD1.5). */
    public int downsampleFactor() {
        return 1 << (levels() - 1);
    }

    /** Reads a diffusers {@code config.json}, or the {@code config.json} inside the given folder. */
    public static VaeConfig fromConfig(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserException("The VAE config " + file + " is missing — expected a diffusers config.json "
                    + "(e.g. the vae/ folder of a diffusers model).");
        }
        try {
            return fromJson(new ObjectMapper().readTree(TextFiles.readUtf8(file)), file.toString());
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /** Builds the config from a parsed diffusers {@code config.json}, reporting every unsupported value at once. */
    static VaeConfig fromJson(JsonNode root, String source) {
        VaeConfig d = sd15();
        List<String> problems = new ArrayList<>();
        List<Integer> channels = new ArrayList<>();
        JsonNode boc = root.get("block_out_channels");
        if (boc == null || boc.isNull()) {
            channels.addAll(d.blockOutChannels());
        } else if (!boc.isArray()) {
            problems.add("block_out_channels must be a list of integers, found " + boc);
        } else {
            boc.forEach(c -> channels.add(c.asInt()));
        }
        checkTypes(root, "down_block_types", "DownEncoderBlock2D", channels.size(), problems);
        checkTypes(root, "up_block_types", "UpDecoderBlock2D", channels.size(), problems);
        String act = root.path("act_fn").asText("silu");
        if (!"silu".equals(act)) {
            problems.add("act_fn must be silu, found '" + act + "'");
        }
        for (String flag : List.of("use_quant_conv", "use_post_quant_conv", "mid_block_add_attention")) {
            if (root.has(flag) && !root.get(flag).asBoolean(true)) {
                problems.add(flag + " = false is not supported (SD1.x VAEs have it true)");
            }
        }
        if (root.hasNonNull("shift_factor")) {
            problems.add("shift_factor " + root.get("shift_factor") + " is set: this is not an SD1.x VAE");
        }
        if (!problems.isEmpty()) {
            throw new UserException(source + ": " + String.join("; ", problems));
        }
        try {
            return new VaeConfig(root.path("in_channels").asInt(d.inChannels()),
                    root.path("out_channels").asInt(d.outChannels()), channels,
                    root.path("layers_per_block").asInt(d.layersPerBlock()),
                    root.path("latent_channels").asInt(d.latentChannels()),
                    root.path("norm_num_groups").asInt(d.normNumGroups()),
                    (float) root.path("scaling_factor").asDouble(d.scalingFactor()));
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static void checkTypes(JsonNode root, String field, String expected, int levels, List<String> problems) {
        JsonNode types = root.get(field);
        if (types == null || types.isNull()) {
            return;
        }
        if (!types.isArray() || types.size() != levels) {
            problems.add(field + " must list " + levels + " blocks (one per block_out_channels entry), found "
                    + types);
            return;
        }
        types.forEach(t -> {
            if (!expected.equals(t.asText())) {
                problems.add(field + " may only hold " + expected + ", found " + t.asText());
            }
        });
    }
}
