package org.lorastudio.model.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code UNet2DConditionModel} ({@code unet_2d_condition.py}) for SD 1.x/2.x-style UNets: the
 * noise predictor ε(x_t, t, text). Registered names are the diffusers state-dict keys
 * ({@code down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight}, {@code mid_block.resnets.0...},
 * {@code conv_norm_out}, ...), in diffusers' state-dict order. Building the model allocates no weights; load them
 * with {@code Weights.load}.
 *
 * <p>Forward: conv_in → down blocks (pushing skips) → mid block → up blocks (popping skips, cat(hidden, skip) on the
 * channel axis) → GroupNorm → SiLU → conv_out. Every block's forward is a pure function of its inputs, so segments
 * can be recomputed for gradient checkpointing.
 */
public final class UNet2DConditionModel extends Module {
    private final UNetConfig config;
    private final Conv2d convIn;
    private final Timesteps timeProj;
    private final TimestepEmbedding timeEmbedding;
    private final ModuleList<UNetDownBlock> downBlocks;
    private final ModuleList<UNetUpBlock> upBlocks;
    private final UNetMidBlock2DCrossAttn midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;
    private int attentionQueryChunk;

    public UNet2DConditionModel(UNetConfig config) {
        this.config = config;
        List<Integer> ch = config.blockOutChannels();
        int n = config.levels();
        int c0 = ch.get(0);
        ResnetSpec resnet = config.resnetSpec();
        this.convIn = child("conv_in", new Conv2d(config.inChannels(), c0, config.convInKernel(), 1,
                (config.convInKernel() - 1) / 2, true));
        this.timeProj = child("time_proj", new Timesteps(c0, config.flipSinToCos(), config.freqShift()));
        this.timeEmbedding = child("time_embedding", new TimestepEmbedding(c0, config.timeEmbeddingDim()));
        // diffusers registers both block lists before the mid block, which fixes the state-dict order
        this.downBlocks = child("down_blocks", new ModuleList<>());
        this.upBlocks = child("up_blocks", new ModuleList<>());

        for (int i = 0; i < n; i++) {
            int in = i == 0 ? c0 : ch.get(i - 1);
            int out = ch.get(i);
            boolean addDownsample = i < n - 1;
            int layers = config.layersPerBlock().get(i);
            downBlocks.add(switch (config.downBlockTypes().get(i)) {
                case CrossAttnDownBlock2D -> new CrossAttnDownBlock2D(in, out, layers, resnet,
                        config.transformerSpec(i), addDownsample, config.downsamplePadding());
                case DownBlock2D -> new DownBlock2D(in, out, layers, resnet, addDownsample,
                        config.downsamplePadding());
            });
        }

        this.midBlock = child("mid_block", new UNetMidBlock2DCrossAttn(ch.get(n - 1), config.midResnetSpec(),
                config.transformerSpec(n - 1)));

        for (int i = 0; i < n; i++) {
            int level = n - 1 - i; // up block i works at the resolution of down block n−1−i
            int out = ch.get(level);
            int prevOut = i == 0 ? ch.get(n - 1) : ch.get(level + 1);
            int in = ch.get(Math.max(level - 1, 0));
            boolean addUpsample = i < n - 1;
            int layers = config.layersPerBlock().get(level) + 1;
            upBlocks.add(switch (config.upBlockTypes().get(i)) {
                case CrossAttnUpBlock2D -> new CrossAttnUpBlock2D(in, prevOut, out, layers, resnet,
                        config.transformerSpec(level), addUpsample);
                case UpBlock2D -> new UpBlock2D(in, prevOut, out, layers, resnet, addUpsample);
            });
        }

        this.convNormOut = child("conv_norm_out", new GroupNorm(config.normNumGroups(), c0, config.normEps()));
        this.convOut = child("conv_out", new Conv2d(c0, config.outChannels(), config.convOutKernel(), 1,
                (config.convOutKernel() - 1) / 2, true));
    }

    public UNetConfig config() {
        return config;
    }

    /**
     * Predicts the noise.
     *
     * @param sample              (B, inChannels, h, w) noisy latents
     * @param timesteps           (B,), (1,) or scalar; int64 or float (fractional timesteps of Euler-type samplers),
     *                            embedded in float32; a single value is used for the whole batch
     * @param encoderHiddenStates (B, S, crossAttentionDim) text encoder output
     * @return (B, outChannels, h, w)
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates) {
        checkPlacement(sample, timesteps, encoderHiddenStates);
        Shape s = sample.getShape();
        NDArray tEmb = timeProj.forward(batchTimesteps(timesteps, s.get(0))); // (B,) -> (B, C0) float32
        NDArray emb = timeEmbedding.forward(tEmb.toType(sample.getDataType(), false)); // (B, C0) -> (B, T)

        NDArray h = config.centerInputSample() ? sample.mul(2).sub(1) : sample;
        h = convIn.forward(h);
        List<NDArray> skips = new ArrayList<>();
        skips.add(h);
        for (UNetDownBlock down : downBlocks) {
            UNetDownBlock.Output o = down.forward(h, emb, encoderHiddenStates);
            h = o.hidden();
            skips.addAll(o.skips());
        }

        h = midBlock.forward(h, emb, encoderHiddenStates);

        boolean forwardUpsampleSize = forwardsUpsampleSize(s);
        for (int i = 0; i < upBlocks.size(); i++) {
            UNetUpBlock up = upBlocks.get(i);
            List<NDArray> own = popSkips(skips, up.numResnets());
            long[] upsampleSize = i < upBlocks.size() - 1 && forwardUpsampleSize ? nextSkipSize(skips) : null;
            h = up.forward(h, own, emb, encoderHiddenStates, upsampleSize);
        }

        NDArray last = h;
        return Scoped.run(() -> convOut.forward(Functional.silu(convNormOut.forward(last))));
    }

    /**
     * The same function as {@link #forward(NDArray, NDArray, NDArray)}, run with gradient checkpointing for
     * training: see {@link CheckpointedForward}. Call inside a gradient collector; after back-propagating the loss
     * into {@code output()}, call {@code backward()}. {@code contextNeedsGrad}: the text encoder is trained too, so
     * the context's gradient must flow back into it.
     */
    public CheckpointedForward forwardCheckpointed(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates,
                                                   boolean contextNeedsGrad) {
        return forwardCheckpointed(sample, timesteps, encoderHiddenStates, contextNeedsGrad, false);
    }

    /**
     * Gradient checkpointing with segments of one block each ({@code perLayer} false) or of one layer each
     * ({@code perLayer} true: every resnet, transformer, down- and upsampler is its own segment, and the time
     * embedding is a boundary tensor computed once). Per-layer segments recompute the same work but hold only one
     * layer's activations at a time; the price is more boundary tensors, which are small next to the activations.
     */
    public CheckpointedForward forwardCheckpointed(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates,
                                                   boolean contextNeedsGrad, boolean perLayer) {
        checkPlacement(sample, timesteps, encoderHiddenStates);
        if (perLayer) {
            return forwardPerLayer(sample, timesteps, encoderHiddenStates, contextNeedsGrad);
        }
        Shape s = sample.getShape();
        CheckpointedForward cf = new CheckpointedForward(encoderHiddenStates, contextNeedsGrad);
        NDArray ctx = cf.context();
        NDArray t = batchTimesteps(timesteps, s.get(0));
        DataType dt = sample.getDataType();
        // The time embedding is recomputed inside every segment (it is tiny) rather than kept as a boundary tensor:
        // nothing upstream of it is trained, so no gradient needs to be collected for it.
        java.util.function.Supplier<NDArray> embedding = () -> timeEmbedding.forward(timeProj.forward(t)
                .toType(dt, false));
        NDArray h = cf.run(List.of(sample), in -> List.of(convIn.forward(config.centerInputSample()
                ? in.get(0).mul(2).sub(1) : in.get(0)))).get(0);
        List<NDArray> skips = new ArrayList<>();
        skips.add(h);
        for (UNetDownBlock down : downBlocks) {
            List<NDArray> outs = cf.run(List.of(h), in -> {
                UNetDownBlock.Output o = down.forward(in.get(0), embedding.get(), ctx);
                List<NDArray> all = new ArrayList<>();
                all.add(o.hidden());
                all.addAll(o.skips());
                return all;
            });
            h = outs.get(0);
            skips.addAll(outs.subList(1, outs.size()));
        }
        h = cf.run(List.of(h), in -> List.of(midBlock.forward(in.get(0), embedding.get(), ctx))).get(0);
        boolean forwardUpsampleSize = forwardsUpsampleSize(s);
        for (int i = 0; i < upBlocks.size(); i++) {
            UNetUpBlock up = upBlocks.get(i);
            List<NDArray> own = popSkips(skips, up.numResnets());
            long[] upsampleSize = i < upBlocks.size() - 1 && forwardUpsampleSize ? nextSkipSize(skips) : null;
            long[] size = upsampleSize;
            boolean lastBlock = i == upBlocks.size() - 1;
            List<NDArray> inputs = new ArrayList<>();
            inputs.add(h);
            inputs.addAll(own);
            h = cf.run(inputs, in -> {
                NDArray out = up.forward(in.get(0), in.subList(1, in.size()), embedding.get(), ctx, size);
                return List.of(lastBlock ? convOut.forward(Functional.silu(convNormOut.forward(out))) : out);
            }).get(0);
        }
        cf.setOutput(h);
        return cf;
    }

    private CheckpointedForward forwardPerLayer(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates,
                                                boolean contextNeedsGrad) {
        Shape s = sample.getShape();
        CheckpointedForward cf = new CheckpointedForward(encoderHiddenStates, contextNeedsGrad);
        NDArray ctx = cf.context();
        NDArray t = batchTimesteps(timesteps, s.get(0));
        DataType dt = sample.getDataType();
        List<NDArray> first = cf.run(List.of(sample), in -> List.of(
                convIn.forward(config.centerInputSample() ? in.get(0).mul(2).sub(1) : in.get(0)),
                timeEmbedding.forward(timeProj.forward(t).toType(dt, false))));
        NDArray h = first.get(0);
        NDArray emb = first.get(1);
        List<NDArray> skips = new ArrayList<>();
        skips.add(h);
        for (UNetDownBlock down : downBlocks) {
            UNetDownBlock.Output o = down.forward(h, emb, ctx, cf);
            h = o.hidden();
            skips.addAll(o.skips());
        }
        h = midBlock.forward(h, emb, ctx, cf);
        boolean forwardUpsampleSize = forwardsUpsampleSize(s);
        for (int i = 0; i < upBlocks.size(); i++) {
            UNetUpBlock up = upBlocks.get(i);
            List<NDArray> own = popSkips(skips, up.numResnets());
            long[] upsampleSize = i < upBlocks.size() - 1 && forwardUpsampleSize ? nextSkipSize(skips) : null;
            h = up.forward(h, own, emb, ctx, upsampleSize, cf);
        }
        cf.setOutput(cf.one(List.of(h), in -> convOut.forward(Functional.silu(convNormOut.forward(in.get(0))))));
        return cf;
    }

    /**
     * Sizes that are not a multiple of the total downsampling are upsampled to the next skip's size (as diffusers'
     * {@code forward_upsample_size}).
     */
    private boolean forwardsUpsampleSize(Shape sample) {
        int overallUpFactor = 1 << (upBlocks.size() - 1);
        return sample.get(2) % overallUpFactor != 0 || sample.get(3) % overallUpFactor != 0;
    }

    /** The placement test mode (runtime.Placement): latents and context in conv_in's type, all on the run's device. */
    private void checkPlacement(NDArray sample, NDArray timesteps, NDArray encoderHiddenStates) {
        org.lorastudio.runtime.Placement.inputs("UNet", convIn.weight().array().getDataType(), sample,
                encoderHiddenStates);
        org.lorastudio.runtime.Placement.inputs("UNet_timesteps", null, timesteps);
    }

    /** Removes and returns the last {@code n} skip connections, in order. */
    private static List<NDArray> popSkips(List<NDArray> skips, int n) {
        List<NDArray> tail = skips.subList(skips.size() - n, skips.size());
        List<NDArray> own = new ArrayList<>(tail);
        tail.clear();
        return own;
    }

    /** The spatial size of the next skip connection to be used. */
    private static long[] nextSkipSize(List<NDArray> skips) {
        Shape next = skips.get(skips.size() - 1).getShape();
        return new long[] {next.get(2), next.get(3)};
    }

    /** {@link #forward(NDArray, NDArray, NDArray)} with one float timestep for the whole batch. */
    public NDArray forward(NDArray sample, float timestep, NDArray encoderHiddenStates) {
        return forward(sample, sample.getManager().create(timestep), encoderHiddenStates);
    }

    private static NDArray batchTimesteps(NDArray timesteps, long batch) {
        NDArray t = timesteps.reshape(-1); // () or (B,) -> (n,)
        long n = t.size();
        if (n == batch) {
            return t;
        }
        if (n == 1) {
            return t.broadcast(batch); // (1,) -> (B,)
        }
        throw new IllegalArgumentException("UNet: got " + n + " timesteps for a batch of " + batch
                + "; pass one per sample or a single one");
    }

    /**
     * Makes every attention layer process queries in chunks of this size (0 = all at once). Bounds the memory of the
     * (tokens × tokens) score matrices at large latents (4096 × 4096 per head at 64×64); results are identical.
     */
    public void setAttentionQueryChunk(int queryChunk) {
        this.attentionQueryChunk = Math.max(0, queryChunk);
        for (Module m : namedModules().values()) {
            if (m instanceof Attention a) {
                a.setQueryChunk(attentionQueryChunk);
            }
        }
    }

    public int attentionQueryChunk() {
        return attentionQueryChunk;
    }
}
