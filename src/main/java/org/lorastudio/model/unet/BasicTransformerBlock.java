package org.lorastudio.model.unet;

import ai.djl.ndarray.NDArray;
import org.lorastudio.nn.LayerNorm;
import org.lorastudio.nn.Module;

/**
 * Port of diffusers {@code BasicTransformerBlock} ({@code attention.py}) with {@code norm_type="layer_norm"}
 * (eps 1e-5), GEGLU feed-forward and no attention bias: pre-norm self-attention, cross-attention to the encoder
 * hidden states, feed-forward, each added to the residual stream.
 */
public final class BasicTransformerBlock extends Module {
    private static final float NORM_EPS = 1e-5f;

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(int dim, int heads, int crossAttentionDim, boolean upcastAttention) {
        this.norm1 = child("norm1", new LayerNorm(dim, NORM_EPS));
        this.attn1 = child("attn1", new Attention(dim, 0, heads, upcastAttention));
        this.norm2 = child("norm2", new LayerNorm(dim, NORM_EPS));
        this.attn2 = child("attn2", new Attention(dim, crossAttentionDim, heads, upcastAttention));
        this.norm3 = child("norm3", new LayerNorm(dim, NORM_EPS));
        this.ff = child("ff", new FeedForward(dim));
    }

    /**
     * @param hidden  (B, T, dim)
     * @param context (B, S, crossAttentionDim)
     * @return (B, T, dim)
     */
    public NDArray forward(NDArray hidden, NDArray context) {
        NDArray h = attn1.forward(norm1.forward(hidden), null).add(hidden);
        h = attn2.forward(norm2.forward(h), context).add(h);
        return ff.forward(norm3.forward(h)).add(h);
    }
}
