package org.lorastudio.model.sd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;

/**
 * The block structure of a UNet2DConditionModel that decides the single-file index arithmetic: number of resolution
 * levels, resnets per down level ({@code layers_per_block}; up levels have one more), and which levels carry a
 * Transformer2DModel after each resnet. Channel counts do not matter for key names.
 *
 * @param levels         len(block_out_channels), 4 for SD1.5
 * @param layersPerBlock resnets per down level (2 for SD1.5)
 * @param downAttention  per down level: CrossAttnDownBlock2D (true) or DownBlock2D
 * @param upAttention    per up level, in diffusers order (up_blocks.0 is the lowest resolution)
 * @param midAttention   UNetMidBlock2DCrossAttn (resnet, attention, resnet) or a mid block without attention
 */
public record UnetLayout(int levels, int layersPerBlock, List<Boolean> downAttention, List<Boolean> upAttention,
                         boolean midAttention) {

    public UnetLayout {
        downAttention = List.copyOf(downAttention);
        upAttention = List.copyOf(upAttention);
        List<String> problems = new ArrayList<>();
        if (levels < 1 || levels > 16) {
            problems.add("levels must be 1..16, found " + levels);
        }
        if (layersPerBlock < 1 || layersPerBlock > 16) {
            problems.add("layers_per_block must be 1..16, found " + layersPerBlock);
        }
        if (downAttention.size() != levels || upAttention.size() != levels) {
            problems.add("down_block_types and up_block_types need " + levels + " entries (one per"
                    + " block_out_channels), found " + downAttention.size() + " and " + upAttention.size());
        }
        if (!problems.isEmpty()) {
            throw new UserException("Unsupported UNet layout: " + String.join("; ", problems));
        }
    }

    /** runwayml/stable-diffusion-v1-5: 4 levels, 2 layers, attention in down 0–2 and up 1–3. */
    public static UnetLayout sd15() {
        return new UnetLayout(4, 2, List.of(true, true, true, false), List.of(false, true, true, true), true);
    }

    /**
     * The layout of a UNet built from {@code config} (single files: the config comes from the sidecar YAML or the
     * SD 1.5 defaults). All layouts the UNet supports have a mid block with attention, layers_per_block equal on
     * every level.
     */
    public static UnetLayout of(org.lorastudio.model.unet.UNetConfig config) {
        List<Boolean> down = new ArrayList<>();
        for (var t : config.downBlockTypes()) {
            down.add(t == org.lorastudio.model.unet.UNetConfig.DownBlockType.CrossAttnDownBlock2D);
        }
        List<Boolean> up = new ArrayList<>();
        for (var t : config.upBlockTypes()) {
            up.add(t == org.lorastudio.model.unet.UNetConfig.UpBlockType.CrossAttnUpBlock2D);
        }
        List<Integer> lpb = config.layersPerBlock();
        if (lpb.stream().distinct().count() != 1) {
            throw new UserException("single-file UNets need the same layers_per_block on every level, found " + lpb);
        }
        return new UnetLayout(config.levels(), lpb.get(0), down, up, true);
    }

    /** Reads {@code unet/config.json} of a diffusers folder. */
    public static UnetLayout fromConfig(Path configJson) {
        try {
            return fromConfig(new ObjectMapper().readTree(Files.readString(configJson)), configJson.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading UNet config " + configJson, e);
        }
    }

    /**
     * From a diffusers UNet2DConditionModel config: {@code block_out_channels} (count), {@code layers_per_block}
     * (an int, or a list of equal ints), {@code down_block_types} / {@code up_block_types} (a type with "Attn" in
     * its name has attention), {@code mid_block_type} (default UNetMidBlock2DCrossAttn).
     */
    public static UnetLayout fromConfig(JsonNode config, String source) {
        List<String> problems = new ArrayList<>();
        int levels = config.path("block_out_channels").size();
        if (levels == 0) {
            problems.add("block_out_channels is missing or empty");
        }
        int layers = 0;
        JsonNode lpb = config.path("layers_per_block");
        if (lpb.isInt()) {
            layers = lpb.intValue();
        } else if (lpb.isArray() && lpb.size() > 0 && allEqual(lpb)) {
            layers = lpb.get(0).intValue();
        } else {
            problems.add("layers_per_block must be an integer (or a list of equal integers), found " + lpb);
        }
        List<Boolean> down = attention(config.path("down_block_types"), "down_block_types", problems);
        List<Boolean> up = attention(config.path("up_block_types"), "up_block_types", problems);
        JsonNode mid = config.path("mid_block_type");
        boolean midAttention = mid.isMissingNode() || mid.isNull() || mid.asText().contains("Attn");
        if (!problems.isEmpty()) {
            throw new UserException(source + ": cannot derive the single-file layout: " + String.join("; ", problems));
        }
        try {
            return new UnetLayout(levels, layers, down, up, midAttention);
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static boolean allEqual(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isInt() || n.intValue() != array.get(0).intValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<Boolean> attention(JsonNode types, String name, List<String> problems) {
        List<Boolean> out = new ArrayList<>();
        if (!types.isArray()) {
            problems.add(name + " is missing");
            return out;
        }
        for (JsonNode t : types) {
            out.add(t.asText().contains("Attn"));
        }
        return out;
    }
}
