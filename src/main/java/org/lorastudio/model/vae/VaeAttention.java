package org.lorastudio.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.ModuleList;

/**
 * diffusers' {@code Attention} as the VAE mid block builds it (AttnProcessor path): one head over the H·W pixels,
 * GroupNorm (eps 1e-6) before biased Linear q/k/v, {@code to_out.0} projection and a residual connection.
 */
final class VaeAttention extends Module {
    /** Queries per chunk: bounds the (H·W)² score matrix at large images without changing the result. */
    private static final int QUERY_CHUNK = 4096;

    private final GroupNorm groupNorm;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final ModuleList<Linear> toOut;

    VaeAttention(int channels, int groups) {
        this.groupNorm = child("group_norm", new GroupNorm(groups, channels, VaeConfig.NORM_EPS));
        this.toQ = child("to_q", new Linear(channels, channels, true));
        this.toK = child("to_k", new Linear(channels, channels, true));
        this.toV = child("to_v", new Linear(channels, channels, true));
        this.toOut = child("to_out", new ModuleList<Linear>().add(new Linear(channels, channels, true)));
    }

    /** (B, C, H, W) → (B, C, H, W). */
    NDArray forward(NDArray x) {
        Shape s = x.getShape();
        long b = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        NDArray tokens = groupNorm.forward(x).reshape(b, c, h * w).transpose(0, 2, 1); // -> (B, H*W, C)
        NDArray attended = Functional.attention(toQ.forward(tokens), toK.forward(tokens), toV.forward(tokens), 1,
                null, QUERY_CHUNK); // (B, H*W, C)
        NDArray out = toOut.get(0).forward(attended).transpose(0, 2, 1).reshape(b, c, h, w); // -> (B, C, H, W)
        return out.add(x);
    }
}
