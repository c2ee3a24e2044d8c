package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code ResnetBlock2D} ({@code resnet.py}), "default" time conditioning, SiLU, dropout 0:
 * {@code h = conv1(silu(norm1(x))) + time_emb_proj(silu(temb)); h = conv2(silu(norm2(h)));
 * out = (shortcut(x) + h) / outputScaleFactor}, where the shortcut is a 1×1 {@code conv_shortcut} when the channel
 * counts differ.
 */
public final class ResnetBlock2D extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;
    private final float outputScaleFactor;

    public ResnetBlock2D(int inChannels, int outChannels, ResnetSpec spec) {
        this.norm1 = child("norm1", new GroupNorm(spec.groups(), inChannels, spec.eps()));
        this.conv1 = child("conv1", Conv2d.k3(inChannels, outChannels));
        this.timeEmbProj = child("time_emb_proj", new Linear(spec.tembChannels(), outChannels, true));
        this.norm2 = child("norm2", new GroupNorm(spec.groups(), outChannels, spec.eps()));
        this.conv2 = child("conv2", Conv2d.k3(outChannels, outChannels));
        this.convShortcut = inChannels != outChannels ? child("conv_shortcut", Conv2d.k1(inChannels, outChannels))
                : null;
        this.outputScaleFactor = spec.outputScaleFactor();
    }

    /**
     * @param x    (B, Cin, H, W)
     * @param temb (B, T) time embedding
     * @return (B, Cout, H, W)
     */
    public NDArray forward(NDArray x, NDArray temb) {
        return Scoped.run(() -> {
            NDArray h = conv1.forward(Functional.silu(norm1.forward(x)));
            NDArray t = timeEmbProj.forward(Functional.silu(temb));
            h = h.add(t.expandDims(2).expandDims(3)); // (B, Cout) -> (B, Cout, 1, 1)
            h = conv2.forward(Functional.silu(norm2.forward(h)));
            NDArray shortcut = convShortcut == null ? x : convShortcut.forward(x);
            NDArray out = shortcut.add(h);
            return outputScaleFactor == 1f ? out : Functional.divScalar(out, outputScaleFactor);
        });
    }
}
