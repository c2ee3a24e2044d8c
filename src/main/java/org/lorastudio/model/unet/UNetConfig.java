package org.lorastudio.model.unet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.lorastudio.util.UserException;

/**
 * Architecture of a {@link UNet2DConditionModel}, the subset of diffusers' {@code UNet2DConditionModel} config that
 * SD 1.x/2.x UNets use. Per-level values are already resolved to one entry per down block (diffusers broadcasts an
 * int to every block; the up path reads the lists reversed), and the head count is resolved the way diffusers does:
 * {@code num_attention_heads or attention_head_dim} — in SD 1.5 {@code attention_head_dim: 8} means 8 heads.
 *
 * <p>Read with {@link #fromDiffusersJson(Path)} (a diffusers {@code unet/config.json}), {@link #fromLdmYaml(Path)}
 * (the original CompVis/LDM config, e.g. an A1111 sidecar {@code .yaml}) or {@link #sd15()}.
 *
 * @param inChannels                 latent channels in (4; 9 for inpainting)
 * @param outChannels                channels out (4)
 * @param sampleSize                 default latent size (64 for 512 px); not used by the network itself
 * @param blockOutChannels           channels per level (320, 640, 1280, 1280)
 * @param downBlockTypes             block type per down level
 * @param upBlockTypes               block type per up level (up block i works at level n−1−i)
 * @param layersPerBlock             resnets per down block per level; the up block at that level has one more
 * @param numAttentionHeads          attention heads per level (head size = channels / heads)
 * @param crossAttentionDim          width of the encoder hidden states per level (768 for CLIP ViT-L)
 * @param transformerLayersPerBlock  BasicTransformerBlocks per Transformer2DModel per level
 * @param useLinearProjection        proj_in/proj_out are Linear (SD 2) rather than 1×1 Conv2d (SD 1)
 * @param upcastAttention            compute attention in float32 when the model runs in half precision (SD 2.1)
 * @param normNumGroups              GroupNorm groups in resnets, transformers and conv_norm_out
 * @param normEps                    GroupNorm eps of resnets and conv_norm_out (transformer norms use 1e-6)
 * @param flipSinToCos               put cos before sin in the timestep embedding
 * @param freqShift                  downscale_freq_shift of the timestep embedding
 * @param downsamplePadding          padding of the stride-2 downsampling convs (0 = pad right/bottom by one)
 * @param midBlockScaleFactor        output scale of the mid block resnets
 * @param centerInputSample          map the input from [0, 1] to [−1, 1] first
 * @param convInKernel               kernel size of conv_in
 * @param convOutKernel              kernel size of conv_out
 * @param timeEmbeddingDim           width of the time embedding (4 × blockOutChannels[0])
 */
public record UNetConfig(
        int inChannels,
        int outChannels,
        int sampleSize,
        List<Integer> blockOutChannels,
        List<DownBlockType> downBlockTypes,
        List<UpBlockType> upBlockTypes,
        List<Integer> layersPerBlock,
        List<Integer> numAttentionHeads,
        List<Integer> crossAttentionDim,
        List<Integer> transformerLayersPerBlock,
        boolean useLinearProjection,
        boolean upcastAttention,
        int normNumGroups,
        float normEps,
        boolean flipSinToCos,
        int freqShift,
        int downsamplePadding,
        float midBlockScaleFactor,
        boolean centerInputSample,
        int convInKernel,
        int convOutKernel,
        int timeEmbeddingDim) {

    /** Down block types, named as in diffusers' {@code down_block_types}. */
    public enum DownBlockType { CrossAttnDownBlock2D, DownBlock2D }

    /** Up block types, named as in diffusers' {@code up_block_types}. */
    public enum UpBlockType { CrossAttnUpBlock2D, UpBlock2D }

    /** The slice of config a {@link ResnetBlock2D} needs. */
    public record ResnetSpec(int tembChannels, int groups, float eps, float outputScaleFactor) {
    }

    /** The slice of config a {@link Transformer2DModel} needs (one level). */
    public record TransformerSpec(int heads, int depth, int crossAttentionDim, int groups,
                                  boolean useLinearProjection, boolean upcastAttention) {
    }

    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        layersPerBlock = List.copyOf(layersPerBlock);
        numAttentionHeads = List.copyOf(numAttentionHeads);
        crossAttentionDim = List.copyOf(crossAttentionDim);
        transformerLayersPerBlock = List.copyOf(transformerLayersPerBlock);
        List<String> problems = validate(inChannels, outChannels, blockOutChannels, downBlockTypes, upBlockTypes,
                layersPerBlock, numAttentionHeads, crossAttentionDim, transformerLayersPerBlock, normNumGroups,
                normEps, downsamplePadding, convInKernel, convOutKernel, timeEmbeddingDim);
        if (!problems.isEmpty()) {
            throw new UserException("UNet config: " + String.join("; ", problems));
        }
    }

    /**
     * The UNet of runwayml/stable-diffusion-v1-5 (FORMATS §2.1): 320/640/1280/1280 channels, 8 heads, CLIP width
     * 768, 1×1-conv projections.
     */
    public static UNetConfig sd15() {
        return new UNetConfig(4, 4, 64, List.of(320, 640, 1280, 1280),
                List.of(DownBlockType.CrossAttnDownBlock2D, DownBlockType.CrossAttnDownBlock2D,
                        DownBlockType.CrossAttnDownBlock2D, DownBlockType.DownBlock2D),
                List.of(UpBlockType.UpBlock2D, UpBlockType.CrossAttnUpBlock2D, UpBlockType.CrossAttnUpBlock2D,
                        UpBlockType.CrossAttnUpBlock2D),
                List.of(2, 2, 2, 2), List.of(8, 8, 8, 8), List.of(768, 768, 768, 768), List.of(1, 1, 1, 1),
                false, false, 32, 1e-5f, true, 0, 1, 1f, false, 3, 3, 1280);
    }

    /** Reads a diffusers {@code unet/config.json}; every unsupported or unknown field is reported at once. */
    public static UNetConfig fromDiffusersJson(Path file) throws IOException {
        return DiffusersUNetConfigReader.read(file);
    }

    /**
     * Reads the UNet part ({@code model.params.unet_config.params}) of an original LDM config, the convention of
     * A1111 sidecar {@code .yaml} files; every unsupported or unknown field is reported at once.
     */
    public static UNetConfig fromLdmYaml(Path file) throws IOException {
        return LdmUNetConfigReader.read(file);
    }

    /** Number of resolution levels (down blocks). */
    public int levels() {
        return blockOutChannels.size();
    }

    /** Resnet settings of the down and up blocks (output scale 1). */
    public ResnetSpec resnetSpec() {
        return new ResnetSpec(timeEmbeddingDim, normNumGroups, normEps, 1f);
    }

    /** Resnet settings of the mid block (output scale {@link #midBlockScaleFactor()}). */
    public ResnetSpec midResnetSpec() {
        return new ResnetSpec(timeEmbeddingDim, normNumGroups, normEps, midBlockScaleFactor);
    }

    /** Transformer settings at a level (down block {@code level}, up block {@code levels()-1-level}). */
    public TransformerSpec transformerSpec(int level) {
        return new TransformerSpec(numAttentionHeads.get(level), transformerLayersPerBlock.get(level),
                crossAttentionDim.get(level), normNumGroups, useLinearProjection, upcastAttention);
    }

    private static List<String> validate(int inChannels, int outChannels, List<Integer> blockOut,
                                         List<DownBlockType> down, List<UpBlockType> up, List<Integer> layers,
                                         List<Integer> heads, List<Integer> crossDim, List<Integer> depth,
                                         int groups, float eps, int downsamplePadding, int convInKernel,
                                         int convOutKernel, int timeEmbeddingDim) {
        List<String> p = new ArrayList<>();
        int n = blockOut.size();
        if (n == 0) {
            p.add("block_out_channels must not be empty");
            return p;
        }
        positive(p, "in_channels", inChannels);
        positive(p, "out_channels", outChannels);
        positive(p, "norm_num_groups", groups);
        positive(p, "time_embedding_dim", timeEmbeddingDim);
        if (!(eps > 0)) {
            p.add("norm_eps must be > 0, found " + eps);
        }
        if (downsamplePadding < 0) {
            p.add("downsample_padding must be >= 0, found " + downsamplePadding);
        }
        if (convInKernel < 1 || convInKernel % 2 == 0) {
            p.add("conv_in_kernel must be odd, found " + convInKernel);
        }
        if (convOutKernel < 1 || convOutKernel % 2 == 0) {
            p.add("conv_out_kernel must be odd, found " + convOutKernel);
        }
        sameLength(p, "down_block_types", down.size(), n);
        sameLength(p, "up_block_types", up.size(), n);
        sameLength(p, "layers_per_block", layers.size(), n);
        sameLength(p, "num_attention_heads (attention_head_dim)", heads.size(), n);
        sameLength(p, "cross_attention_dim", crossDim.size(), n);
        sameLength(p, "transformer_layers_per_block", depth.size(), n);
        if (!p.isEmpty()) {
            return p;
        }
        if (blockOut.get(0) % 2 != 0) {
            p.add("block_out_channels[0] must be even (it is the width of the sinusoidal timestep embedding), "
                    + "found " + blockOut.get(0));
        }
        for (int i = 0; i < n; i++) {
            int c = blockOut.get(i);
            positive(p, "block_out_channels[" + i + "]", c);
            positive(p, "layers_per_block[" + i + "]", layers.get(i));
            positive(p, "num_attention_heads[" + i + "]", heads.get(i));
            positive(p, "cross_attention_dim[" + i + "]", crossDim.get(i));
            boolean attends = down.get(i) == DownBlockType.CrossAttnDownBlock2D
                    || up.get(n - 1 - i) == UpBlockType.CrossAttnUpBlock2D || i == n - 1; // last level: mid block
            if (attends) {
                positive(p, "transformer_layers_per_block[" + i + "]", depth.get(i));
            }
            if (groups > 0 && c % groups != 0) {
                p.add("block_out_channels[" + i + "] = " + c + " is not divisible by norm_num_groups = " + groups);
            }
            if (heads.get(i) > 0 && c % heads.get(i) != 0) {
                p.add("block_out_channels[" + i + "] = " + c + " is not divisible by the number of attention heads "
                        + heads.get(i) + " (num_attention_heads or attention_head_dim)");
            }
        }
        return p;
    }

    private static void positive(List<String> p, String field, int value) {
        if (value <= 0) {
            p.add(field + " must be > 0, found " + value);
        }
    }

    private static void sameLength(List<String> p, String field, int found, int levels) {
        if (found != levels) {
            p.add(field + " has " + found + " entries but block_out_channels has " + levels);
        }
    }
}
