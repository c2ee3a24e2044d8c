package org.lorastudio.model.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * transformers' {@code LlamaRotaryEmbedding} and {@code apply_rotary_pos_emb} in the HF layout (FORMATS §7):
 * {@code inv_freq_j = θ^(−2j/d)}, angles = position ⊗ inv_freq, cos/sin of {@code concat(angles, angles)}, and
 * {@code x' = x·cos + rotate_half(x)·sin} with {@code rotate_half(x) = concat(−x[d/2:], x[:d/2])} (the two halves,
 * not interleaved pairs). {@code rope_scaling} {@code linear} and {@code llama3} follow
 * {@code modeling_rope_utils._compute_linear_scaling_rope_parameters} / {@code _compute_llama3_parameters}.
 * Holds no weights; the tables are computed in Java per call.
 */
public final class LlamaRotaryEmbedding {
    private final int dim;
    private final float[] invFreq;

    public LlamaRotaryEmbedding(LlamaConfig config) {
        this.dim = config.headDim();
        this.invFreq = inverseFrequencies(config);
    }

    /** The (possibly scaled) inverse frequencies, d/2 values, in float32 like the reference buffer. */
    static float[] inverseFrequencies(LlamaConfig config) {
        int d = config.headDim();
        float[] inv = new float[d / 2];
        for (int j = 0; j < inv.length; j++) {
            // torch: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), in float32
            float exponent = (float) (2 * j) / d;
            inv[j] = (float) (1.0 / Math.pow(config.ropeTheta(), exponent));
        }
        if (config.ropeScaling().isEmpty()) {
            return inv;
        }
        LlamaConfig.RopeScaling s = config.ropeScaling().get();
        if ("linear".equals(s.type())) {
            for (int j = 0; j < inv.length; j++) {
                inv[j] = (float) (inv[j] / s.factor());
            }
            return inv;
        }
        // llama3: keep high frequencies, divide low ones by factor, blend in between.
        double orig = s.originalMaxPositionEmbeddings();
        double lowWavelen = orig / s.lowFreqFactor();
        double highWavelen = orig / s.highFreqFactor();
        for (int j = 0; j < inv.length; j++) {
            double wavelen = 2 * Math.PI / inv[j];
            if (wavelen < highWavelen) {
                continue;
            }
            if (wavelen > lowWavelen) {
                inv[j] = (float) (inv[j] / s.factor());
            } else {
                double smooth = (orig / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                inv[j] = (float) ((1 - smooth) * inv[j] / s.factor() + smooth * inv[j]);
            }
        }
        return inv;
    }

    /** cos and sin tables for positions {@code start … start+length−1}, each (length, d). */
    public Tables tables(NDManager manager, long start, int length, DataType type) {
        float[] cos = new float[length * dim];
        float[] sin = new float[length * dim];
        int half = dim / 2;
        for (int t = 0; t < length; t++) {
            float pos = start + t;
            for (int j = 0; j < half; j++) {
                float angle = pos * invFreq[j]; // float32 outer product, as torch computes it
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                cos[t * dim + j] = c;
                cos[t * dim + j + half] = c;
                sin[t * dim + j] = s;
                sin[t * dim + j + half] = s;
            }
        }
        NDArray c = org.lorastudio.nn.Weights.owned(manager.create(cos, new Shape(length, dim)));
        NDArray s = org.lorastudio.nn.Weights.owned(manager.create(sin, new Shape(length, dim)));
        if (type != DataType.FLOAT32) {
            c = c.toType(type, false);
            s = s.toType(type, false);
        }
        return new Tables(c, s);
    }

    /** cos and sin, each (T, d), broadcast over (B, heads, T, d). */
    public record Tables(NDArray cos, NDArray sin) {
        /** (B, h, T, d) → (B, h, T, d) rotated. */
        public NDArray apply(NDArray x) {
            org.lorastudio.runtime.Placement.alike("RoPE", x, cos, sin);
            return x.mul(cos).add(rotateHalf(x).mul(sin));
        }
    }

    /** concat(−x[…, d/2:], x[…, :d/2]). */
    static NDArray rotateHalf(NDArray x) {
        long d = x.getShape().get(x.getShape().dimension() - 1);
        NDArray x1 = x.get(new NDIndex("..., :{}", d / 2));
        NDArray x2 = x.get(new NDIndex("..., {}:", d / 2));
        return NDArrays.concat(new NDList(x2.neg(), x1), -1);
    }
}
