package org.lorastudio.model.unet;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code DownBlock2D} ({@code unet_2d_blocks.py}): {@code resnets}, then an optional
 * {@code downsamplers.0}; every resnet output and the downsampled state are pushed as skips.
 */
public final class DownBlock2D extends UNetDownBlock {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Downsample2D> downsamplers;

    public DownBlock2D(int inChannels, int outChannels, int numLayers, ResnetSpec resnet, boolean addDownsample,
                       int downsamplePadding) {
        this.resnets = child("resnets", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            resnets.add(new ResnetBlock2D(i == 0 ? inChannels : outChannels, outChannels, resnet));
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
        for (ResnetBlock2D resnet : resnets) {
            h = seg.one(List.of(h, temb), in -> resnet.forward(in.get(0), in.get(1)));
            skips.add(h);
        }
        for (Downsample2D down : downsamplers) {
            h = seg.one(List.of(h), in -> down.forward(in.get(0)));
            skips.add(h);
        }
        return new Output(h, skips);
    }
}
