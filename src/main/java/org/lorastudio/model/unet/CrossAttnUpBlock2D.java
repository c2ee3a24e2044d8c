package org.lorastudio.model.unet;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.model.unet.UNetConfig.TransformerSpec;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code CrossAttnUpBlock2D} ({@code unet_2d_blocks.py}): for each layer, {@code cat(hidden,
 * skip)} on the channel axis (skips popped from the end) → {@code resnets.i} → {@code attentions.i}; then an
 * optional {@code upsamplers.0}. Resnet channels as in {@link UpBlock2D}.
 */
public final class CrossAttnUpBlock2D extends UNetUpBlock {
    private final ModuleList<Transformer2DModel> attentions;
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Upsample2D> upsamplers;

    public CrossAttnUpBlock2D(int inChannels, int prevOutChannels, int outChannels, int numLayers,
                              ResnetSpec resnet, TransformerSpec transformer, boolean addUpsample) {
        // registration order = diffusers' state-dict order: attentions, resnets, upsamplers
        this.attentions = child("attentions", new ModuleList<>());
        this.resnets = child("resnets", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            int skipChannels = i == numLayers - 1 ? inChannels : outChannels;
            int hiddenChannels = i == 0 ? prevOutChannels : outChannels;
            resnets.add(new ResnetBlock2D(hiddenChannels + skipChannels, outChannels, resnet));
            attentions.add(new Transformer2DModel(outChannels, transformer));
        }
        this.upsamplers = addUpsample
                ? child("upsamplers", new ModuleList<Upsample2D>()).add(new Upsample2D(outChannels))
                : new ModuleList<>();
    }

    @Override
    public int numResnets() {
        return resnets.size();
    }

    @Override
    NDArray forward(NDArray hidden, List<NDArray> skips, NDArray temb, NDArray context, long[] upsampleSize,
                    Segments seg) {
        NDArray h = hidden;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.get(skips.size() - 1 - i);
            ResnetBlock2D resnet = resnets.get(i);
            Transformer2DModel attention = attentions.get(i);
            // (B, Ch, H, W) + (B, Cs, H, W) -> (B, Ch+Cs, H, W), inside the segment so the concat is not kept
            h = seg.one(List.of(h, skip, temb), in -> resnet.forward(
                    NDArrays.concat(new NDList(in.get(0), in.get(1)), 1), in.get(2)));
            h = seg.one(List.of(h), in -> attention.forward(in.get(0), context));
        }
        for (Upsample2D up : upsamplers) {
            h = seg.one(List.of(h), in -> up.forward(in.get(0), upsampleSize));
        }
        return h;
    }
}
