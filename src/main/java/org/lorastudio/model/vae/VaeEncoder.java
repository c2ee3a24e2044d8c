package org.lorastudio.model.vae;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/** diffusers' {@code Encoder} (vae.py) with {@code double_z}: pixels → 2·latent channels (mean ‖ logvar). */
final class VaeEncoder extends Module {
    private final Conv2d convIn;
    private final ModuleList<DownEncoderBlock2D> downBlocks;
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    VaeEncoder(VaeConfig config) {
        List<Integer> ch = config.blockOutChannels();
        int groups = config.normNumGroups();
        int last = ch.get(ch.size() - 1);
        this.convIn = child("conv_in", Conv2d.k3(config.inChannels(), ch.get(0)));
        ModuleList<DownEncoderBlock2D> blocks = new ModuleList<>();
        int out = ch.get(0);
        for (int i = 0; i < ch.size(); i++) {
            int in = out;
            out = ch.get(i);
            blocks.add(new DownEncoderBlock2D(in, out, config.layersPerBlock(), i < ch.size() - 1, groups));
        }
        this.downBlocks = child("down_blocks", blocks);
        this.midBlock = child("mid_block", new UNetMidBlock2D(last, groups));
        this.convNormOut = child("conv_norm_out", new GroupNorm(groups, last, VaeConfig.NORM_EPS));
        this.convOut = child("conv_out", Conv2d.k3(last, 2 * config.latentChannels()));
    }

    /** (B, 3, H, W) → (B, 2·latent, H/f, W/f). */
    NDArray forward(NDArray image) {
        NDArray h = convIn.forward(image);
        for (DownEncoderBlock2D b : downBlocks) {
            h = b.forward(h);
        }
        h = midBlock.forward(h);
        return convOut.forward(Functional.silu(convNormOut.forward(h)));
    }
}
