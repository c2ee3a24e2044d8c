package org.lorastudio.model.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.model.unet.UNetConfig.TransformerSpec;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code CrossAttnDownBlock2D} ({@code unet_2d_blocks.py}): pairs of {@code resnets.i} →
 * {@code attentions.i} (Transformer2DModel), then an optional {@code downsamplers.0}; each pair's output and the
 * downsampled state are pushed as skips.
 */
public final class CrossAttnDownBlock2D extends UNetDownBlock {
    private final ModuleList<Transformer2DModel> attentions;
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Downsample2D> downsamplers;

    public CrossAttnDownBlock2D(int inChannels, int outChannels, int numLayers, ResnetSpec resnet,
                                TransformerSpec transformer, boolean addDownsample, int downsamplePadding) {
        // registration order = diffusers' state-dict order: attentions, resnets, downsamplers
        this.attentions = child("attentions", new ModuleList<>());
        this.resnets = child("resnets", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, resnet));
            attentions.add(new Transformer2DModel(outChannels, transformer));
        }
        this.downsamplers = addDownsample
                ? child("downsamplers", new ModuleList<Downsample2D>()).add(new Downsample2D(outChannels,
                        downsamplePadding))
                : new ModuleList<>();
    }

    @Override
    Output forward(NDArray hidden, NDArray temb, NDArray context, Segments seg) {
        List<NDArray> skips = new ArrayList<>();
        NDArray h = hidden;
        for (int i = 0; i < resnets.size(); i++) {
            ResnetBlock2D resnet = resnets.get(i);
            Transformer2DModel attention = attentions.get(i);
            h = seg.one(List.of(h, temb), in -> resnet.forward(in.get(0), in.get(1)));
            h = seg.one(List.of(h), in -> attention.forward(in.get(0), context));
            skips.add(h);
        }
        for (Downsample2D down : downsamplers) {
            h = seg.one(List.of(h), in -> down.forward(in.get(0)));
            skips.add(h);
        }
        return new Output(h, skips);
    }
}
