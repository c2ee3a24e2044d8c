package org.lorastudio.nn;

import java.util.HashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;

/**
 * torch {@code nn.GroupNorm}. DJL has none, so the input (N, C, ...) is viewed as (N, G, C/G·rest) and normalised
 * with DJL's layerNorm over the last axis (biased variance, like torch), then scaled per channel. DJL's layerNorm
 * needs non-null gamma/beta: cached ones/zeros of the normalised size are used (FORMATS §8, verified). A float16
 * input is normalised in float32 and cast back, as {@code torch.autocast} runs {@code group_norm} (fp16 mixed
 * precision; the casts keep the graph, {@link Functional#cast}).
 */
public final class GroupNorm extends Module {
    private final int groups;
    private final int channels;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Map<String, NDArray[]> unitAffine = new HashMap<>();
    private NDArray[] affineCache;
    private NDArray[] affineSource;

    public GroupNorm(int groups, int channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels are not divisible into "
                    + groups + " groups");
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    public NDArray forward(NDArray x) {
        org.lorastudio.runtime.Placement.inputs("GroupNorm", weight.array().getDataType(), x, weight.array(),
                bias.array());
        if (x.getDataType() == DataType.FLOAT16) {
            return Functional.cast(normalise(Functional.cast(x, DataType.FLOAT32)), DataType.FLOAT16);
        }
        return normalise(x);
    }

    /** The normalisation in x's type (float32 under mixed precision, as autocast runs group_norm). */
    private NDArray normalise(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long rest = s.size() / n / groups;
        NDArray grouped = x.reshape(n, groups, rest); // (N, C, H, W) -> (N, G, C/G*H*W)
        NDArray[] ones = unit(x, rest);
        NDArray normed = LayerNorm.layerNorm(grouped, new Shape(rest), ones[0], ones[1], eps).singletonOrThrow();
        NDArray[] affine = affine(s.dimension(), x.getDataType());
        org.lorastudio.runtime.Placement.inputs("GroupNorm_cached", x.getDataType(), ones[0], ones[1], affine[0],
                affine[1]);
        return normed.reshape(s).mul(affine[0]).add(affine[1]);
    }

    /**
     * weight and bias viewed as (1, C, 1, ...) for broadcasting. Cached (and dropped when a parameter is replaced),
     * because a reshape of a weight would otherwise attach a new array to the weights' manager on every call.
     */
    private NDArray[] affine(int rank, DataType type) {
        NDArray w = weight.array();
        NDArray b = bias.array();
        if (affineCache == null || affineCache[0].isReleased() || affineSource[0] != w || affineSource[1] != b
                || affineCache[0].getShape().dimension() != rank || affineCache[0].getDataType() != type) {
            long[] shape = new long[rank];
            java.util.Arrays.fill(shape, 1);
            shape[1] = channels;
            // half weights in front of a float32 norm (mixed precision): frozen, so a graph-cutting cast is right
            NDArray wr = (w.getDataType() == type ? w : w.toType(type, false)).reshape(new Shape(shape));
            NDArray br = (b.getDataType() == type ? b : b.toType(type, false)).reshape(new Shape(shape));
            NDScope.unregister(wr, br);
            affineCache = new NDArray[] {wr, br};
            affineSource = new NDArray[] {w, b};
        }
        return affineCache;
    }

    private NDArray[] unit(NDArray x, long size) {
        String key = size + "/" + x.getDataType() + "/" + x.getDevice();
        NDArray[] cached = unitAffine.get(key);
        if (cached == null || cached[0].isReleased()) {
            DataType dt = x.getDataType();
            NDArray ones = weight.array().getManager().ones(new Shape(size), dt, x.getDevice());
            NDArray zeros = weight.array().getManager().zeros(new Shape(size), dt, x.getDevice());
            NDScope.unregister(ones, zeros);
            cached = new NDArray[] {ones, zeros};
            unitAffine.put(key, cached);
        }
        return cached;
    }

    public int groups() {
        return groups;
    }

    public float eps() {
        return eps;
    }
}
