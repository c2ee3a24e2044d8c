package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Module;

/**
 * diffusers' {@code ResnetBlock2D} as the VAE builds it: no time embedding, output scale 1, GroupNorm eps 1e-6,
 * a 1×1 {@code conv_shortcut} when the channel count changes. (Named apart from the UNet's block, which has
 * {@code time_emb_proj}.)
 */
final class VaeResnetBlock2D extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;

    VaeResnetBlock2D(int in, int out, int groups) {
        this.norm1 = child("norm1", new GroupNorm(groups, in, VaeConfig.NORM_EPS));
        this.conv1 = child("conv1", Conv2d.k3(in, out));
        this.norm2 = child("norm2", new GroupNorm(groups, out, VaeConfig.NORM_EPS));
        this.conv2 = child("conv2", Conv2d.k3(out, out));
        this.convShortcut = in == out ? null : child("conv_shortcut", Conv2d.k1(in, out));
    }

    /** (B, in, H, W) → (B, out, H, W). */
    NDArray forward(NDArray x) {
        NDArray h = conv1.forward(Functional.silu(norm1.forward(x)));
        h = conv2.forward(Functional.silu(norm2.forward(h)));
        NDArray shortcut = convShortcut == null ? x : convShortcut.forward(x);
        return shortcut.add(h);
    }
}
