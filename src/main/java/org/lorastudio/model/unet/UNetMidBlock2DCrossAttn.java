package org.lorastudio.model.unet;

import java.util.List;

import ai.djl.ndarray.NDArray;
import org.lorastudio.model.unet.UNetConfig.ResnetSpec;
import org.lorastudio.model.unet.UNetConfig.TransformerSpec;
import org.lorastudio.nn.ModuleList;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code UNetMidBlock2DCrossAttn} ({@code unet_2d_blocks.py}) with one layer:
 * {@code resnets.0} → {@code attentions.0} → {@code resnets.1}, all at the deepest level's width.
 */
public final class UNetMidBlock2DCrossAttn extends Module {
    private final ModuleList<Transformer2DModel> attentions;
    private final ModuleList<ResnetBlock2D> resnets;

    public UNetMidBlock2DCrossAttn(int channels, ResnetSpec resnet, TransformerSpec transformer) {
        // registration order = diffusers' state-dict order: attentions, resnets
        this.attentions = child("attentions", new ModuleList<Transformer2DModel>())
                .add(new Transformer2DModel(channels, transformer));
        this.resnets = child("resnets", new ModuleList<ResnetBlock2D>())
                .add(new ResnetBlock2D(channels, channels, resnet))
                .add(new ResnetBlock2D(channels, channels, resnet));
    }

    /**
     * @param hidden  (B, C, H, W)
     * @param temb    (B, T)
     * @param context (B, S, D)
     * @return (B, C, H, W)
     */
    public NDArray forward(NDArray hidden, NDArray temb, NDArray context) {
        return forward(hidden, temb, context, Segments.DIRECT);
    }

    NDArray forward(NDArray hidden, NDArray temb, NDArray context, Segments seg) {
        NDArray h = seg.one(List.of(hidden, temb), in -> resnets.get(0).forward(in.get(0), in.get(1)));
        h = seg.one(List.of(h), in -> attentions.get(0).forward(in.get(0), context));
        return seg.one(List.of(h, temb), in -> resnets.get(1).forward(in.get(0), in.get(1)));
    }
}
