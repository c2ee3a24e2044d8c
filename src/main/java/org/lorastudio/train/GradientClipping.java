package org.lorastudio.train;

import java.util.Collection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import org.lorastudio.runtime.NoGrad;

/**
 * Global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_} (norm type 2), which kohya and diffusers
 * call with {@code max_grad_norm} (FORMATS §5). DJL's own {@code optClipGrad} is element-wise and, in the PyTorch
 * engine, one-sided ({@code clamp_max}), so it is not used (FORMATS §8).
 */
public final class GradientClipping {
    /** torch's guard against division by zero in {@code clip_coef = max_norm / (total_norm + 1e-6)}. */
    static final double EPS = 1e-6;

    private GradientClipping() {
    }

    /**
     * Scales the gradients of {@code params} in place so that their global L2 norm is at most {@code maxNorm}:
     * {@code coef = maxNorm / (norm + 1e-6)}, applied when {@code coef < 1}. {@code maxNorm <= 0} only measures
     * (SPEC §4: 0 = off).
     *
     * @return the global norm before clipping (NaN/Inf pass through so the caller can report a diverged step)
     */
    @SuppressWarnings("try") // scopes and grad-mode guards are used for their close() only
    public static double clipByGlobalNorm(Collection<NDArray> params, double maxNorm) {
        double total = globalNorm(params);
        double coef = maxNorm / (total + EPS);
        if (maxNorm > 0 && coef < 1) {
            try (NoGrad noGrad = NoGrad.enter(); NDScope scope = new NDScope()) {
                for (NDArray p : params) {
                    p.getGradient().muli(coef);
                }
            }
        }
        return total;
    }

    /** The L2 norm of all gradients of {@code params} together: √Σ‖g_i‖², per-tensor norms in float32 as torch. */
    @SuppressWarnings("try") // scopes and grad-mode guards are used for their close() only
    public static double globalNorm(Collection<NDArray> params) {
        double sumSquares = 0;
        try (NoGrad noGrad = NoGrad.enter(); NDScope scope = new NDScope()) {
            for (NDArray p : params) {
                // Σg² per tensor rather than NDArray.norm(): DJL 0.36's norm() over all axes was seen to return
                // Infinity/NaN now and then for finite gradients (a flaky native call), which killed training runs.
                NDArray g = p.getGradient();
                sumSquares += g.mul(g).sum().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
        }
        return Math.sqrt(sumSquares);
    }
}
