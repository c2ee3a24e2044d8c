package org.lorastudio.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.lorastudio.model.unet.UNetConfig;

/**
 * One UNet benchmark setting: which UNet (SD 1.5, the demo's sd-tiny-a layout, or any diffusers
 * {@code unet/config.json}), the batch and latent size, the LoRA rank and targets, the precision, gradient
 * checkpointing, attention query chunk, and how many warm-up and timed steps to run.
 */
public record UNetCase(String unet, Path unetConfig, int batch, int latent, int rank, List<String> targets,
                       Precision precision, Checkpointing checkpointing, int attentionChunk, int warmup,
                       int steps) {
    /** Base weight and activation precision; fp16 training keeps the LoRA in fp32 (mixed precision). */
    public enum Precision { FP32, FP16 }

    /** Gradient checkpointing granularity (see {@code UNet2DConditionModel.forwardCheckpointed}). */
    public enum Checkpointing { NONE, BLOCKS, LAYERS }

    public UNetCase {
        targets = List.copyOf(targets);
        if (batch < 1 || latent < 1 || rank < 1 || warmup < 0 || steps < 1) {
            throw new IllegalArgumentException("batch, latent, rank and steps must be >= 1, warmup >= 0");
        }
    }

    /** The sd-tiny-a / demo UNet (2 levels, 32/64 channels) as shipped in {@code models/demo/unet}. */
    public static final Path DEMO_UNET = Path.of("models/demo/unet/config.json");

    public UNetConfig config() throws IOException {
        return unetConfig == null ? UNetConfig.sd15() : UNetConfig.fromDiffusersJson(unetConfig);
    }

    public UNetCase withCheckpointing(Checkpointing c) {
        return new UNetCase(unet, unetConfig, batch, latent, rank, targets, precision, c, attentionChunk, warmup,
                steps);
    }

    public UNetCase withSteps(int warm, int timed) {
        return new UNetCase(unet, unetConfig, batch, latent, rank, targets, precision, checkpointing, attentionChunk,
                warm, timed);
    }

    public UNetCase withPrecision(Precision p) {
        return new UNetCase(unet, unetConfig, batch, latent, rank, targets, p, checkpointing, attentionChunk, warmup,
                steps);
    }
}
