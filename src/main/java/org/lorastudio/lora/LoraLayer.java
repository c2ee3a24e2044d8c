package org.lorastudio.lora;

import java.util.function.Supplier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Adapter;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Linear;

/**
 * One LoRA side-car on a Linear or Conv2d layer (kohya {@code networks.lora.LoRAModule}, PEFT {@code lora.Linear}):
 * {@code y = W x + up(down(dropout(x))) · (alpha / rank) · multiplier}. For a k×k convolution, {@code down} is a
 * k×k convolution with the base layer's stride and padding and {@code up} a 1×1 convolution (LoCon).
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
    private Supplier<NDArray> dropoutMaskSource;

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

    /**
     * Enables dropout on the LoRA input during training: {@code maskSource} gives, per call, a keep-mask of the
     * input's shape already divided by (1 - p), drawn from the run's dropout stream. Null disables it.
     */
    public void setDropout(float p, Supplier<NDArray> maskSource) {
        this.dropout = p;
        this.dropoutMaskSource = maskSource;
    }

    @Override
    public NDArray delta(NDArray x) {
        NDArray in = x;
        if (dropout > 0 && dropoutMaskSource != null) {
            in = x.mul(dropoutMaskSource.get());
        }
        NDArray h;
        if (target instanceof Linear) {
            h = ai.djl.nn.core.Linear.linear(in, down).singletonOrThrow();
            h = ai.djl.nn.core.Linear.linear(h, up).singletonOrThrow();
        } else {
            Conv2d c = (Conv2d) target;
            h = ai.djl.nn.convolutional.Conv2d.conv2d(in, down, null, new Shape(c.stride(), c.stride()),
                    new Shape(c.padding(), c.padding()), new Shape(1, 1), 1).singletonOrThrow();
            h = ai.djl.nn.convolutional.Conv2d.conv2d(h, up, null, new Shape(1, 1), new Shape(0, 0),
                    new Shape(1, 1), 1).singletonOrThrow();
        }
        return h.mul(scale() * multiplier);
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
