package org.lorastudio.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class NnPrimitivesTest {

    static final class Block extends Module {
        final Linear proj = child("proj", new Linear(4, 3, true));
        final ModuleList<GroupNorm> norms = child("norms", new ModuleList<GroupNorm>()
                .add(new GroupNorm(2, 4, 1e-5f)));
    }

    @Test
    void registeredNamesAreReferenceKeys() {
        Block b = new Block();
        assertThat(b.namedParameters().keySet())
                .containsExactly("proj.weight", "proj.bias", "norms.0.weight", "norms.0.bias");
        assertThat(b.parameterCount()).isEqualTo(12 + 3 + 4 + 4);
        assertThat(b.module("norms.0")).isInstanceOf(GroupNorm.class);
    }

    @Test
    void groupNormMatchesManualMeanAndBiasedVariance() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            GroupNorm gn = new GroupNorm(2, 4, 1e-5f);
            gn.localParameters().get("weight").set(m.randomNormal(new Shape(4)));
            gn.localParameters().get("bias").set(m.randomNormal(new Shape(4)));
            NDArray x = m.randomNormal(new Shape(2, 4, 3, 5));
            NDArray y = gn.forward(x);
            NDArray g = x.reshape(2, 2, -1);
            NDArray mean = g.mean(new int[] {2}, true);
            NDArray var = g.sub(mean).square().mean(new int[] {2}, true);
            NDArray manual = g.sub(mean).div(var.add(1e-5f).sqrt()).reshape(2, 4, 3, 5)
                    .mul(gn.localParameters().get("weight").array().reshape(1, 4, 1, 1))
                    .add(gn.localParameters().get("bias").array().reshape(1, 4, 1, 1));
            assertThat(y.sub(manual).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void chunkedAttentionEqualsFullAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray q = m.randomNormal(new Shape(2, 10, 8));
            NDArray k = m.randomNormal(new Shape(2, 6, 8));
            NDArray v = m.randomNormal(new Shape(2, 6, 8));
            NDArray full = Functional.attention(q, k, v, 2, null, 0);
            NDArray chunked = Functional.attention(q, k, v, 2, null, 3);
            assertThat(full.getShape()).isEqualTo(new Shape(2, 10, 8));
            assertThat(full.sub(chunked).abs().max().getFloat()).isLessThan(1e-6f);
            // one head by hand: softmax(q k^T / sqrt(d)) v
            NDArray q0 = q.get("0, :, 0:4");
            NDArray k0 = k.get("0, :, 0:4");
            NDArray v0 = v.get("0, :, 0:4");
            NDArray ref = q0.matMul(k0.transpose()).div((float) Math.sqrt(4)).softmax(-1).matMul(v0);
            assertThat(full.get("0, :, 0:4").sub(ref).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void linearAddsAdapterDelta() {
        try (NDManager m = NDManager.newBaseManager()) {
            Linear lin = new Linear(2, 2, false);
            lin.weight().set(m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)));
            NDArray x = m.create(new float[] {3, 4}, new Shape(1, 2));
            assertThat(lin.forward(x).toFloatArray()).containsExactly(3, 4);
            Adapter plusOne = in -> in.onesLike();
            lin.addAdapter(plusOne);
            assertThat(lin.forward(x).toFloatArray()).containsExactly(4, 5);
            lin.removeAdapter(plusOne);
            assertThat(lin.forward(x).toFloatArray()).containsExactly(3, 4);
        }
    }
}
