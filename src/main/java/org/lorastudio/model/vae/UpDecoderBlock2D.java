package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/** diffusers' {@code UpDecoderBlock2D}: resnets (layers_per_block + 1), then (except last) a ×2 upsampler. */
final class UpDecoderBlock2D extends Module {
    private final ModuleList<VaeResnetBlock2D> resnets;
    private final ModuleList<VaeUpsample2D> upsamplers;

    UpDecoderBlock2D(int in, int out, int layers, boolean addUpsample, int groups) {
        ModuleList<VaeResnetBlock2D> r = new ModuleList<>();
        for (int j = 0; j < layers; j++) {
            r.add(new VaeResnetBlock2D(j == 0 ? in : out, out, groups));
        }
        this.resnets = child("resnets", r);
        this.upsamplers = addUpsample
                ? child("upsamplers", new ModuleList<VaeUpsample2D>().add(new VaeUpsample2D(out)))
                : new ModuleList<>();
    }

    /** (B, in, H, W) → (B, out, 2H, 2W), or (B, out, H, W) on the last level. */
    NDArray forward(NDArray x) {
        NDArray h = x;
        for (VaeResnetBlock2D r : resnets) {
            h = r.forward(h);
        }
        for (VaeUpsample2D u : upsamplers) {
            h = u.forward(h);
        }
        return h;
    }
}
