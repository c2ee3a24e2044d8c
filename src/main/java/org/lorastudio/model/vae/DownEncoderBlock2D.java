package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/** diffusers' {@code DownEncoderBlock2D}: resnets, then (except on the last level) a stride-2 downsampler. */
final class DownEncoderBlock2D extends Module {
    private final ModuleList<VaeResnetBlock2D> resnets;
    private final ModuleList<VaeDownsample2D> downsamplers;

    DownEncoderBlock2D(int in, int out, int layers, boolean addDownsample, int groups) {
        ModuleList<VaeResnetBlock2D> r = new ModuleList<>();
        for (int j = 0; j < layers; j++) {
            r.add(new VaeResnetBlock2D(j == 0 ? in : out, out, groups));
        }
        this.resnets = child("resnets", r);
        this.downsamplers = addDownsample
                ? child("downsamplers", new ModuleList<VaeDownsample2D>().add(new VaeDownsample2D(out)))
                : new ModuleList<>();
    }

    /** (B, in, H, W) → (B, out, H/2, W/2), or (B, out, H, W) on the last level. */
    NDArray forward(NDArray x) {
        NDArray h = x;
        for (VaeResnetBlock2D r : resnets) {
            h = r.forward(h);
        }
        for (VaeDownsample2D d : downsamplers) {
            h = d.forward(h);
        }
        return h;
    }
}
