package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/** diffusers' {@code UNetMidBlock2D} without time embedding (VAE): resnet, single-head attention, resnet. */
final class UNetMidBlock2D extends Module {
    private final ModuleList<VaeAttention> attentions;
    private final ModuleList<VaeResnetBlock2D> resnets;

    UNetMidBlock2D(int channels, int groups) {
        // diffusers registers attentions before resnets, so the state-dict order is the same here
        this.attentions = child("attentions", new ModuleList<VaeAttention>().add(new VaeAttention(channels, groups)));
        this.resnets = child("resnets", new ModuleList<VaeResnetBlock2D>()
                .add(new VaeResnetBlock2D(channels, channels, groups))
                .add(new VaeResnetBlock2D(channels, channels, groups)));
    }

    /** (B, C, H, W) → (B, C, H, W). */
    NDArray forward(NDArray x) {
        NDArray h = resnets.get(0).forward(x);
        h = attentions.get(0).forward(h);
        return resnets.get(1).forward(h);
    }
}
