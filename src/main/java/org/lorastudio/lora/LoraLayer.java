package org.lorastudio.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Adapter;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Linear;

/**
 * One LoRA side-car on a Linear or Conv2d layer (kohya {@code networks.lora.LoRAModule}, PEFT {@code lora.Linear}):
 * {@code y = W x + up(down(dropout(x))) · (alpha / rank) · multiplier}. For a k×k convolution, {@code down} is a
 * k×k convolution with the base layer's stride and padding and {@code up} a 1×1 convolution (LoCon). When trained
 * weights (fp32) meet an input of another type (fp16 mixed precision), the branch runs in the weights' type.
 */
public final class LoraLayer implements Adapter {
    private final String name;
    private final AdaptableLayer target;
    private final int rank;
    private final float alpha;
    private NDArray down;
    private NDArray up;
    private float multiplier = 1f;
    private float dropout;
    private boolean training;

    LoraLayer(String name, AdaptableLayer target, int rank, float alpha, NDArray down, NDArray up) {
        this.name = name;
        this.target = target;
        this.rank = rank;
        this.alpha = alpha;
        this.down = down;
        this.up = up;
    }

    /** The kohya module name, e.g. {@code lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q}. */
    public String name() {
        return name;
    }

    public AdaptableLayer target() {
        return target;
    }

    public int rank() {
        return rank;
    }

    public float alpha() {
        return alpha;
    }

    /** alpha / rank. */
    public float scale() {
        return alpha / rank;
    }

    public NDArray down() {
        return down;
    }

    public NDArray up() {
        return up;
    }

    void replaceWeights(NDArray newDown, NDArray newUp) {
        this.down = newDown;
        this.up = newUp;
    }

    public float multiplier() {
        return multiplier;
    }

    /** The strength, as in {@code <lora:name:0.8>}. */
    public void setMultiplier(float multiplier) {
        this.multiplier = multiplier;
    }

    /** Dropout probability on the LoRA input (PEFT's lora_dropout); applied only in training mode. */
    public void setDropout(float p) {
        this.dropout = p;
    }

    /**
     * Training mode turns dropout on. Masks are drawn from the engine's generator, which the trainer seeds per
     * micro-step, so a resumed run draws the same masks.
     */
    public void setTraining(boolean training) {
        this.training = training;
    }

    @Override
    public NDArray delta(NDArray x) {
        if (down.hasGradient() && x.getDataType() != down.getDataType()) {
            // mixed precision: the trained fp32 weights see the fp16 input in fp32, and the result goes back to
            // fp16, both through casts that keep the graph, so the gradients reach these weights
            DataType base = x.getDataType();
            return org.lorastudio.nn.Functional.cast(branch(org.lorastudio.nn.Functional.cast(x, down.getDataType())),
                    base);
        }
        return branch(x);
    }

    /** up(down(dropout(x))) · scale · multiplier, with the weights in x's type. */
    private NDArray branch(NDArray x) {
        NDArray in = x;
        if (training && dropout > 0) {
            NDArray keep = x.getManager().randomUniform(0f, 1f, x.getShape(), x.getDataType(), x.getDevice())
                    .gte(dropout).toType(x.getDataType(), false);
            org.lorastudio.runtime.Placement.alike("LoRA_dropout", x, keep);
            in = org.lorastudio.nn.Functional.divScalar(x.mul(keep), 1f - dropout); // inverted dropout, as torch
        }
        NDArray d = down.getDataType() == in.getDataType() ? down : down.toType(in.getDataType(), false);
        NDArray u = up.getDataType() == in.getDataType() ? up : up.toType(in.getDataType(), false);
        org.lorastudio.runtime.Placement.inputs("LoRA", d.getDataType(), in, d, u);
        NDArray h;
        if (target instanceof Linear) {
            h = ai.djl.nn.core.Linear.linear(in, d).singletonOrThrow();
            h = ai.djl.nn.core.Linear.linear(h, u).singletonOrThrow();
        } else {
            Conv2d c = (Conv2d) target;
            h = org.lorastudio.nn.Convolution.conv2d(in, d, null, c.stride(), c.padding());
            h = org.lorastudio.nn.Convolution.conv2d(h, u, null, 1, 0);
        }
        return org.lorastudio.nn.Functional.mulScalar(h, scale() * multiplier);
    }

    /** Shape of lora_down for a target layer: [r, in] or [r, in, k, k]. */
    static Shape downShape(AdaptableLayer layer, int rank) {
        if (layer instanceof Linear l) {
            return new Shape(rank, l.inFeatures());
        }
        Conv2d c = (Conv2d) layer;
        return new Shape(rank, c.inChannels(), c.kernelSize(), c.kernelSize());
    }

    /** Shape of lora_up for a target layer: [out, r] or [out, r, 1, 1]. */
    static Shape upShape(AdaptableLayer layer, int rank) {
        if (layer instanceof Linear l) {
            return new Shape(l.outFeatures(), rank);
        }
        Conv2d c = (Conv2d) layer;
        return new Shape(c.outChannels(), rank, 1, 1);
    }

    /** fan_in of lora_down (in · k · k), for kaiming-uniform initialisation. */
    static long fanIn(AdaptableLayer layer) {
        if (layer instanceof Linear l) {
            return l.inFeatures();
        }
        Conv2d c = (Conv2d) layer;
        return (long) c.inChannels() * c.kernelSize() * c.kernelSize();
    }
}
