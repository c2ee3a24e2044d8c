package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.unet.UNetConfig.TransformerSpec;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * Port of diffusers {@code Transformer2DModel} ({@code transformer_2d.py}) for continuous (image) input:
 * GroupNorm (eps 1e-6) → {@code proj_in} → flatten to tokens → {@code transformer_blocks} → unflatten →
 * {@code proj_out} → + input. The projections are 1×1 convolutions (SD 1.x) or, with
 * {@code useLinearProjection}, Linear layers applied to the tokens (SD 2.x); diffusers flattens after the conv but
 * before the Linear, and so does this class.
 */
public final class Transformer2DModel extends Module {
    private static final float NORM_EPS = 1e-6f;

    private final GroupNorm norm;
    private final Conv2d projInConv;
    private final Linear projInLinear;
    private final ModuleList<BasicTransformerBlock> transformerBlocks;
    private final Conv2d projOutConv;
    private final Linear projOutLinear;

    /** @param channels in/out channels, also the inner width (heads × head size) */
    public Transformer2DModel(int channels, TransformerSpec spec) {
        this.norm = child("norm", new GroupNorm(spec.groups(), channels, NORM_EPS));
        boolean linear = spec.useLinearProjection();
        this.projInConv = linear ? null : child("proj_in", Conv2d.k1(channels, channels));
        this.projInLinear = linear ? child("proj_in", new Linear(channels, channels, true)) : null;
        this.transformerBlocks = child("transformer_blocks", new ModuleList<>());
        for (int i = 0; i < spec.depth(); i++) {
            transformerBlocks.add(new BasicTransformerBlock(channels, spec.heads(), spec.crossAttentionDim(),
                    spec.upcastAttention()));
        }
        this.projOutConv = linear ? null : child("proj_out", Conv2d.k1(channels, channels));
        this.projOutLinear = linear ? child("proj_out", new Linear(channels, channels, true)) : null;
    }

    /**
     * @param x       (B, C, H, W)
     * @param context (B, S, D) encoder hidden states
     * @return (B, C, H, W)
     */
    public NDArray forward(NDArray x, NDArray context) {
        return Scoped.run(() -> apply(x, context));
    }

    private NDArray apply(NDArray x, NDArray context) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray hs = norm.forward(x);
        if (projInConv != null) {
            hs = projInConv.forward(hs);
        }
        hs = hs.transpose(0, 2, 3, 1).reshape(b, h * w, c); // (B, C, H, W) -> (B, H*W, C)
        if (projInLinear != null) {
            hs = projInLinear.forward(hs);
        }
        for (BasicTransformerBlock block : transformerBlocks) {
            hs = block.forward(hs, context);
        }
        if (projOutLinear != null) {
            hs = projOutLinear.forward(hs);
        }
        hs = hs.reshape(b, h, w, c).transpose(0, 3, 1, 2); // (B, H*W, C) -> (B, C, H, W)
        if (projOutConv != null) {
            hs = projOutConv.forward(hs);
        }
        return hs.add(x);
    }
}
