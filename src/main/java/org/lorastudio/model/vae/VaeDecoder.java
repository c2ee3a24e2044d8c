package org.lorastudio.model.vae;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * diffusers' {@code Decoder} (vae.py): latents → pixels. Up levels run from the widest channels back to the first
 * ({@code up_blocks.0} is the LDM {@code up.3}); each has layers_per_block + 1 resnets.
 */
final class VaeDecoder extends Module {
    private final Conv2d convIn;
    private final ModuleList<UpDecoderBlock2D> upBlocks;
    private final UNetMidBlock2D midBlock;
    private final GroupNorm convNormOut;
    private final Conv2d convOut;

    VaeDecoder(VaeConfig config) {
        List<Integer> ch = config.blockOutChannels();
        int groups = config.normNumGroups();
        int n = ch.size();
        int last = ch.get(n - 1);
        this.convIn = child("conv_in", Conv2d.k3(config.latentChannels(), last));
        // diffusers registers up_blocks (empty) before mid_block, so they come first in the state dict
        ModuleList<UpDecoderBlock2D> blocks = new ModuleList<>();
        int out = last;
        for (int i = 0; i < n; i++) {
            int in = out;
            out = ch.get(n - 1 - i);
            blocks.add(new UpDecoderBlock2D(in, out, config.layersPerBlock() + 1, i < n - 1, groups));
        }
        this.upBlocks = child("up_blocks", blocks);
        this.midBlock = child("mid_block", new UNetMidBlock2D(last, groups));
        this.convNormOut = child("conv_norm_out", new GroupNorm(groups, ch.get(0), VaeConfig.NORM_EPS));
        this.convOut = child("conv_out", Conv2d.k3(ch.get(0), config.outChannels()));
    }

    /** (B, latent, h, w) → (B, 3, h·f, w·f), unclamped. */
    NDArray forward(NDArray z) {
        NDArray h = midBlock.forward(convIn.forward(z));
        for (UpDecoderBlock2D b : upBlocks) {
            h = b.forward(h);
        }
        return convOut.forward(Functional.silu(convNormOut.forward(h)));
    }
}
