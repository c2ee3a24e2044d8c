package org.lorastudio.model.unet;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code UpBlock2D} ({@code unet_2d_blocks.py}): for each resnet, {@code cat(hidden, skip)} on the
 * channel axis (skips popped from the end) → {@code resnets.i}; then an optional {@code upsamplers.0}.
 * Resnet i takes {@code (i == 0 ? prevOutChannels : outChannels) + (i == last ? inChannels : outChannels)}.
 */
public final class UpBlock2D extends UNetUpBlock {
    private final ModuleList<ResnetBlock2D> resnets;
    private final ModuleList<Upsample2D> upsamplers;

    public UpBlock2D(int inChannels, int prevOutChannels, int outChannels, int numLayers, ResnetSpec resnet,
                     boolean addUpsample) {
        this.resnets = child("resnets", new ModuleList<>());
        for (int i = 0; i < numLayers; i++) {
            int skipChannels = i == numLayers - 1 ? inChannels : outChannels;
            int hiddenChannels = i == 0 ? prevOutChannels : outChannels;
            resnets.add(new ResnetBlock2D(hiddenChannels + skipChannels, outChannels, resnet));
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
            // (B, Ch, H, W) + (B, Cs, H, W) -> (B, Ch+Cs, H, W), inside the segment so the concat is not kept
            h = seg.one(List.of(h, skip, temb), in -> resnet.forward(
                    NDArrays.concat(new NDList(in.get(0), in.get(1)), 1), in.get(2)));
        }
        for (Upsample2D up : upsamplers) {
            h = seg.one(List.of(h), in -> up.forward(in.get(0), upsampleSize));
        }
        return h;
    }
}
