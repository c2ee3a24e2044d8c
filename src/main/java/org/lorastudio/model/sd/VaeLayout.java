package org.lorastudio.model.sd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;

/**
 * The block structure of an AutoencoderKL that decides its single-file key names: resolution levels
 * (len(block_out_channels)) and resnets per encoder level ({@code layers_per_block}; decoder levels have one more).
 */
public record VaeLayout(int levels, int layersPerBlock) {

    public VaeLayout {
        if (levels < 1 || levels > 16 || layersPerBlock < 1 || layersPerBlock > 16) {
            throw new UserException("Unsupported VAE layout: levels and layers_per_block must be 1..16, found "
                    + levels + " and " + layersPerBlock);
        }
    }

    /** SD1.5's VAE: 4 levels, 2 layers. */
    public static VaeLayout sd15() {
        return new VaeLayout(4, 2);
    }

    /** Reads {@code vae/config.json} of a diffusers folder. */
    public static VaeLayout fromConfig(Path configJson) {
        try {
            JsonNode c = new ObjectMapper().readTree(Files.readString(configJson));
            int levels = c.path("block_out_channels").size();
            JsonNode lpb = c.path("layers_per_block");
            if (levels == 0 || !lpb.isInt()) {
                throw new UserException(configJson + ": expected block_out_channels (a list) and layers_per_block"
                        + " (an integer), found " + c.path("block_out_channels") + " and " + lpb);
            }
            return new VaeLayout(levels, lpb.intValue());
        } catch (IOException e) {
            throw new UncheckedIOException("reading VAE config " + configJson, e);
        }
    }
}
