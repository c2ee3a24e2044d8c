package org.lorastudio.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.kernels.Kernels;

/** Stateless operations shared by the networks: activations and multi-head attention. */
public final class Functional {
    private Functional() {
    }

    /**
     * {@code x} as {@code type} with the autograd graph kept (the {@link Kernels} cast; fp16 mixed precision needs it
     * at every fp16/fp32 boundary). Without that kernel it falls back to DJL's {@code toType}, which cuts the graph:
     * fine outside training, and the trainer refuses fp16 when the kernel is off.
     */
    public static NDArray cast(NDArray x, DataType type) {
        if (x.getDataType() == type) {
            return x;
        }
        return Kernels.cast(x, type).orElseGet(() -> x.toType(type, false));
    }

    /**
     * {@code x · s} with the scalar held in memory libtorch owns. DJL's {@code NDArray.mul(Number)} wraps the scalar
     * around a Java direct buffer and closes it right after the op; autograd keeps that scalar for the backward pass,
     * so once the Java GC frees the buffer, gradients are computed from garbage (intermittent NaN/Inf in training,
     * docs/decisions/0001). Use this for every scalar product that can be part of a training graph.
     */
    public static NDArray mulScalar(NDArray x, float s) {
        return x.mul(scalar(x, s));
    }

    /** {@code x / s}, with the scalar in libtorch-owned memory (see {@link #mulScalar}). */
    public static NDArray divScalar(NDArray x, float s) {
        return x.div(scalar(x, s));
    }

    /**
     * A 0-d tensor of {@code s} in {@code x}'s type and device, held in memory libtorch owns. Constants are cached
     * (they never change, and autograd only reads them), which saves two native calls and a Java buffer per use: the
     * attention scale and every LoRA layer's scale run on each forward pass. The cache is bounded; past it a fresh
     * clone is made as before.
     */
    private static NDArray scalar(NDArray x, float s) {
        ScalarKey key = new ScalarKey(Float.floatToIntBits(s), x.getDataType(), x.getDevice());
        NDArray cached = SCALARS.get(key);
        if (cached != null) {
            org.lorastudio.runtime.Placement.constant("scalar", x.getDataType(), cached);
            return cached;
        }
        if (SCALARS.size() >= MAX_SCALARS) {
            return freshScalar(x.getManager(), x.getDataType(), s);
        }
        NDArray made = SCALARS.computeIfAbsent(key, k -> {
            NDArray c = freshScalar(constants(k.device()), k.type(), s);
            NDScope.unregister(c); // a caller's scope must not close a shared constant
            return c;
        });
        org.lorastudio.runtime.Placement.constant("scalar", x.getDataType(), made);
        return made;
    }

    private static NDArray freshScalar(NDManager manager, DataType type, float s) {
        NDArray blob = manager.create(s);
        NDArray typed = blob.getDataType() == type ? blob : blob.toType(type, false);
        NDArray owned = typed.duplicate();
        if (typed != blob) {
            typed.close();
        }
        blob.close();
        return owned;
    }

    private record ScalarKey(int bits, DataType type, Device device) {
    }

    private static final int MAX_SCALARS = 512;
    private static final Map<ScalarKey, NDArray> SCALARS = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> CONSTANTS = new ConcurrentHashMap<>();

    /** A manager per device for the cached constants; it lives as long as the process. */
    private static NDManager constants(Device device) {
        return CONSTANTS.computeIfAbsent(device, d -> NDManager.newBaseManager(d));
    }

    /** SiLU / swish: x·sigmoid(x). */
    public static NDArray silu(NDArray x) {
        return x.mul(x.getNDArrayInternal().sigmoid());
    }

    /** Exact (erf) GELU, torch's default, used by GEGLU. */
    public static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /** CLIP's quick_gelu: x·sigmoid(1.702x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(mulScalar(x, 1.702f).getNDArrayInternal().sigmoid());
    }

    /**
     * Multi-head scaled dot-product attention, softmax(QKᵀ·d^-½ + mask)·V per head. Runs libtorch's
     * {@code scaled_dot_product_attention} through {@link Kernels} (its fused CPU kernel, with autograd), or the
     * plain matmul/softmax below when that kernel is off; both agree to float32 rounding (KernelsTest).
     *
     * @param q          (B, Tq, C)
     * @param k          (B, Tk, C)
     * @param v          (B, Tk, C)
     * @param heads      number of heads; head size is C / heads
     * @param mask       additive mask broadcastable to (B, heads, Tq, Tk), or null
     * @param queryChunk when &gt; 0 and smaller than Tq, queries are processed in chunks of this size so the
     *                   (Tq × Tk) score matrix never exists at once (bounds memory at large resolutions)
     * @return (B, Tq, C)
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray mask, int queryChunk) {
        Shape qs = q.getShape();
        long b = qs.get(0);
        long tq = qs.get(1);
        long c = qs.get(2);
        long tk = k.getShape().get(1);
        long d = c / heads;
        NDArray qh = q.reshape(b, tq, heads, d).transpose(0, 2, 1, 3); // (B, Tq, C) -> (B, h, Tq, d)
        NDArray kh = k.reshape(b, tk, heads, d).transpose(0, 2, 1, 3); // (B, Tk, C) -> (B, h, Tk, d)
        NDArray vh = v.reshape(b, tk, heads, d).transpose(0, 2, 1, 3); // (B, Tk, C) -> (B, h, Tk, d)
        NDArray out;
        if (queryChunk <= 0 || queryChunk >= tq) {
            out = scaledDotProduct(qh, kh, vh, mask);
        } else {
            List<NDArray> parts = new ArrayList<>();
            for (long s = 0; s < tq; s += queryChunk) {
                long e = Math.min(tq, s + queryChunk);
                NDArray qc = qh.get(new NDIndex(":, :, {}:{}", s, e));
                NDArray mc = mask == null || mask.getShape().get(mask.getShape().dimension() - 2) == 1
                        ? mask : mask.get(new NDIndex("..., {}:{}, :", s, e));
                parts.add(scaledDotProduct(qc, kh, vh, mc));
            }
            out = NDArrays.concat(new NDList(parts), 2);
        }
        return out.transpose(0, 2, 1, 3).reshape(b, tq, c); // (B, h, Tq, d) -> (B, Tq, C)
    }

    /**
     * softmax(q·kᵀ·d^-½ + mask)·v on split heads: the SDPA kernel when it is active, else plain DJL ops.
     *
     * @param qh   (B, h, Tq, d)
     * @param kh   (B, h, Tk, d)
     * @param vh   (B, h, Tk, d)
     * @param mask additive, broadcastable to (B, h, Tq, Tk), or null
     * @return (B, h, Tq, d)
     */
    public static NDArray scaledDotProduct(NDArray qh, NDArray kh, NDArray vh, NDArray mask) {
        org.lorastudio.runtime.Placement.alike("attention", qh, kh, vh, mask);
        Optional<NDArray> fused = Kernels.attention(qh, kh, vh, mask);
        if (fused.isPresent()) {
            return fused.get();
        }
        float scale = (float) (1.0 / Math.sqrt(qh.getShape().get(3)));
        NDArray scores = mulScalar(qh.matMul(kh.transpose(0, 1, 3, 2)), scale); // (B, h, Tq, Tk)
        if (mask != null) {
            scores = scores.add(mask);
        }
        return scores.softmax(-1).matMul(vh);
    }
}
