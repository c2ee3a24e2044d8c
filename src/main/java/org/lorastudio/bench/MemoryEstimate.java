package org.lorastudio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.lorastudio.config.MixedPrecision;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.clip.ClipTextConfig;
import org.lorastudio.model.clip.ClipTextModel;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.model.vae.AutoencoderKL;
import org.lorastudio.model.vae.VaeConfig;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Linear;
import org.lorastudio.util.UserException;

/**
 * The expected peak memory of an SD LoRA training step, before training, with its parts:
 * <ul>
 *   <li><b>runtime</b>: the process before any model (JVM, libtorch, its first-step workspaces), measured on CPU;</li>
 *   <li><b>weights</b>: every frozen parameter (UNet, text encoder, VAE) at the compute precision;</li>
 *   <li><b>LoRA + optimizer</b>: LoRA parameters, their gradients and the optimizer's state (fp32);</li>
 *   <li><b>activations</b>: what autograd keeps for the backward pass, counted layer by layer from the UNet's
 *   shapes: per resnet 4·(C_in + C_out)·HW values, per transformer block 28·C·T + heads·T·(T + 77) (the
 *   softmax of both attentions is kept) plus 3·C·T around it; with gradient checkpointing, the boundary tensors
 *   (and their gradients) plus the largest single segment instead; plus the backward pass's transient gradient
 *   buffers (twice the largest saved tensor); times a measured factor per checkpointing mode (below).</li>
 * </ul>
 * The layer counts alone come out low against the measured RSS peaks, and more so the finer the segments (the
 * boundary tensors' gradients, the recompute graph and the allocator's slack are not counted), so each mode has a
 * factor measured on the full SD 1.5 UNet at 32×32 (batch 1 and 2; docs/performance.md): none 1.5, blocks 1.75,
 * layers 2.1. With those the measured step peaks were matched within 6 % and the process peaks within 2 %.
 * The per-layer constants come from which tensors torch's autograd saves with frozen base weights; the checks
 * against measured CPU peaks are in {@code MemoryEstimateTest} and docs/performance.md. On a GPU add the CUDA
 * context (a few hundred MB) instead of the CPU runtime figure.
 */
public record MemoryEstimate(long runtimeBytes, long weightsBytes, long loraBytes, long activationBytes,
                             String setting) {
    /** Resident memory of the process with the engine started and one tiny step run (CPU, measured). */
    public static final long RUNTIME_BYTES = 250L << 20;
    static final int TEXT_TOKENS = 77;
    private static final double RESNET_SAVED = 4;
    private static final double BLOCK_SAVED = 28;
    private static final double TRANSFORMER_OUTER_SAVED = 3;

    /** Measured RSS peak over the counted activations, per checkpointing mode (see the class comment). */
    static double calibration(UNetCase.Checkpointing mode) {
        return switch (mode) {
            case NONE -> 1.5;
            case BLOCKS -> 1.75;
            case LAYERS -> 2.1;
        };
    }

    public long totalBytes() {
        return runtimeBytes + weightsBytes + loraBytes + activationBytes;
    }

    /** The step's own part above the loaded model: LoRA + optimizer and activations. */
    public long stepBytes() {
        return loraBytes + activationBytes;
    }

    /** One line: {@code ≈ 4.6 GB = weights 3.3 GB + LoRA/optimizer 12 MB + activations 1.0 GB + runtime 250 MB}. */
    public String describe() {
        return "≈ " + human(totalBytes()) + " (" + setting + ") = weights " + human(weightsBytes) + " + LoRA/optimizer "
                + human(loraBytes) + " + activations " + human(activationBytes) + " + runtime " + human(runtimeBytes);
    }

    static String human(long bytes) {
        double mb = bytes / 1048576.0;
        return mb >= 1024 ? String.format(Locale.ROOT, "%.1f GB", mb / 1024) : String.format(Locale.ROOT, "%.0f MB",
                mb);
    }

    /**
     * The estimate for a training config (SD models; empty for LLMs, whose estimate is not built yet). Reads only
     * the model's config files (a single-file checkpoint counts as SD 1.5).
     */
    public static Optional<MemoryEstimate> of(TrainingConfig config) throws IOException {
        if (config.modelType() == ModelType.LLM) {
            return Optional.empty();
        }
        Path base = config.baseModel().resolved();
        boolean folder = Files.isDirectory(base);
        if (!folder && !Files.isRegularFile(base)) {
            throw new UserException("base_model " + base + " does not exist; the memory estimate needs the model");
        }
        if (folder && !Files.isRegularFile(base.resolve("unet/config.json"))) {
            throw new UserException("base_model " + base + " has no unet/config.json; the memory estimate reads "
                    + "the model's shapes from it");
        }
        UNetConfig unet = folder && Files.isRegularFile(base.resolve("unet/config.json"))
                ? UNetConfig.fromDiffusersJson(base.resolve("unet/config.json")) : UNetConfig.sd15();
        ClipTextConfig te = folder && Files.isRegularFile(base.resolve("text_encoder/config.json"))
                ? ClipTextConfig.fromConfig(base.resolve("text_encoder/config.json")) : ClipTextConfig.sd15();
        VaeConfig vae = folder && Files.isRegularFile(base.resolve("vae/config.json"))
                ? AutoencoderKL.fromConfig(base.resolve("vae/config.json")).config() : VaeConfig.sd15();
        long frozen = new ClipTextModel(te).parameterCount() + new org.lorastudio.model.vae.AutoencoderKL(vae)
                .parameterCount();
        int bytes = config.mixedPrecision() == MixedPrecision.FP16 ? 2 : 4;
        int latent = config.resolution() / 8;
        int slots = switch (config.optimizer()) {
            case ADAMW -> 2;
            case LION -> 1;
            case SGD -> 0;
        };
        UNetCase.Checkpointing ckpt = config.gradientCheckpointing() ? UNetCase.Checkpointing.BLOCKS
                : UNetCase.Checkpointing.NONE;
        MemoryEstimate u = forUNet(unet, frozen, config.batchSize(), latent, config.trainsUnet()
                ? config.unetTargetModules() : List.of(), config.loraRank(), bytes, ckpt, slots);
        long teLora = 0;
        long teActivations = 0;
        if (config.trainsTextEncoder()) {
            ClipTextModel model = new ClipTextModel(te);
            teLora = loraParams(LoraTargets.resolve(model, LoraTargets.TEXT_ENCODER,
                    config.textEncoderTargetModules()).values(), config.loraRank()) * 4L * (2 + slots);
            // per layer: ~12 saved (tokens × width) tensors and the attention softmax
            teActivations = (long) config.batchSize() * te.numHiddenLayers() * ((long) TEXT_TOKENS * te.hiddenSize()
                    * 12 + (long) te.numAttentionHeads() * TEXT_TOKENS * TEXT_TOKENS) * bytes;
        }
        return Optional.of(new MemoryEstimate(u.runtimeBytes(), u.weightsBytes(), u.loraBytes() + teLora,
                u.activationBytes() + teActivations, config.resolution() + " px, batch " + config.batchSize()
                + ", rank " + config.loraRank() + (bytes == 2 ? ", fp16" : ", fp32")
                + (config.gradientCheckpointing() ? ", checkpointing" : "")));
    }

    /**
     * The estimate for a UNet LoRA step (what {@code bench --case train} runs).
     *
     * @param otherFrozenParams parameters of the other loaded models (text encoder, VAE), 0 for the bench
     * @param bytes             2 (fp16) or 4 (fp32) for weights and activations
     * @param optimizerSlots    state tensors per parameter (AdamW 2, Lion 1, SGD 0)
     */
    public static MemoryEstimate forUNet(UNetConfig config, long otherFrozenParams, int batch, int latent,
                                         List<String> targets, int rank, int bytes,
                                         UNetCase.Checkpointing checkpointing, int optimizerSlots) {
        UNet2DConditionModel model = new UNet2DConditionModel(config); // shapes only, no weights
        long lora = targets.isEmpty() ? 0
                : loraParams(LoraTargets.resolve(model, LoraTargets.UNET, targets).values(), rank);
        long weights = (model.parameterCount() + otherFrozenParams) * bytes;
        Activations a = activations(config, latent);
        double perSample = switch (checkpointing) {
            case NONE -> a.saved + a.transient_;
            case BLOCKS -> 2 * a.blockBoundaries + a.largestBlock + a.transient_;
            case LAYERS -> 2 * a.layerBoundaries + a.largestLayer + a.transient_;
        };
        return new MemoryEstimate(RUNTIME_BYTES, weights, lora * 4L * (2 + optimizerSlots),
                (long) (calibration(checkpointing) * perSample * batch * bytes), latent * 8 + " px, batch " + batch + ", rank " + rank + ", "
                + (bytes == 2 ? "fp16" : "fp32") + ", checkpointing " + checkpointing.name().toLowerCase(Locale.ROOT));
    }

    static long loraParams(java.util.Collection<AdaptableLayer> layers, int rank) {
        long n = 0;
        for (AdaptableLayer l : layers) {
            if (l instanceof Linear lin) {
                n += (long) rank * (lin.inFeatures() + lin.outFeatures());
            } else if (l instanceof Conv2d c) {
                n += (long) rank * c.inChannels() * c.kernelSize() * c.kernelSize() + (long) c.outChannels() * rank;
            }
        }
        return n;
    }

    /** Values per sample (not bytes) kept for backward, by layer, walked like the UNet's forward. */
    private static final class Activations {
        double saved;
        double layerBoundaries;
        double blockBoundaries;
        double largestLayer;
        double largestBlock;
        double transient_;
        private double block;

        void layer(double savedValues, double outputValues, double largestTensor) {
            saved += savedValues;
            layerBoundaries += outputValues;
            largestLayer = Math.max(largestLayer, savedValues);
            block += savedValues;
            transient_ = Math.max(transient_, 2 * largestTensor);
        }

        void endBlock(double outputValues) {
            blockBoundaries += outputValues;
            largestBlock = Math.max(largestBlock, block);
            block = 0;
        }
    }

    private static Activations activations(UNetConfig c, int latent) {
        Activations a = new Activations();
        List<Integer> ch = c.blockOutChannels();
        int n = c.levels();
        double[] hw = new double[n];
        long side = latent;
        for (int i = 0; i < n; i++) {
            hw[i] = (double) side * side;
            side = (side + 1) / 2;
        }
        a.layer((double) c.inChannels() * hw[0], ch.get(0) * hw[0], ch.get(0) * hw[0]);
        a.endBlock(ch.get(0) * hw[0]);
        for (int i = 0; i < n; i++) {
            int in = i == 0 ? ch.get(0) : ch.get(i - 1);
            int out = ch.get(i);
            boolean cross = c.downBlockTypes().get(i) == UNetConfig.DownBlockType.CrossAttnDownBlock2D;
            double outputs = 0; // a down block's segment keeps every skip it pushes
            for (int j = 0; j < c.layersPerBlock().get(i); j++) {
                resnet(a, j == 0 ? in : out, out, hw[i]);
                if (cross) {
                    transformer(a, c, i, out, hw[i]);
                }
                outputs += out * hw[i];
            }
            if (i < n - 1) {
                a.layer(out * hw[i], out * hw[i + 1], out * hw[i]);
                outputs += out * hw[i + 1];
            }
            a.endBlock(outputs);
        }
        int deep = ch.get(n - 1);
        resnet(a, deep, deep, hw[n - 1]);
        transformer(a, c, n - 1, deep, hw[n - 1]);
        resnet(a, deep, deep, hw[n - 1]);
        a.endBlock(deep * hw[n - 1]);
        for (int i = 0; i < n; i++) {
            int level = n - 1 - i;
            int out = ch.get(level);
            int prevOut = i == 0 ? ch.get(n - 1) : ch.get(level + 1);
            int in = ch.get(Math.max(level - 1, 0));
            int layers = c.layersPerBlock().get(level) + 1;
            boolean cross = c.upBlockTypes().get(i) == UNetConfig.UpBlockType.CrossAttnUpBlock2D;
            for (int j = 0; j < layers; j++) {
                int skip = j == layers - 1 ? in : out;
                int hidden = j == 0 ? prevOut : out;
                resnet(a, hidden + skip, out, hw[level]);
                if (cross) {
                    transformer(a, c, level, out, hw[level]);
                }
            }
            if (i < n - 1) {
                double up = out * hw[level - 1];
                a.layer(up, up, up);
            }
            a.endBlock(out * (i < n - 1 ? hw[level - 1] : hw[level]));
        }
        a.layer(4.0 * ch.get(0) * hw[0], c.outChannels() * hw[0], ch.get(0) * hw[0]); // norm, SiLU, conv_out
        return a;
    }

    private static void resnet(Activations a, int in, int out, double hw) {
        a.layer(RESNET_SAVED * (in + out) * hw, out * hw, Math.max(in, out) * hw);
    }

    private static void transformer(Activations a, UNetConfig c, int level, int channels, double tokens) {
        UNetConfig.TransformerSpec t = c.transformerSpec(level);
        double scores = t.heads() * tokens * (tokens + TEXT_TOKENS);
        double perBlock = BLOCK_SAVED * channels * tokens + scores;
        a.layer(TRANSFORMER_OUTER_SAVED * channels * tokens + t.depth() * perBlock, channels * tokens,
                Math.max(t.heads() * tokens * tokens, 8.0 * channels * tokens));
    }
}
