package org.lorastudio.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd switches of the PyTorch engine, used for in-place updates of leaf tensors that require gradients.
 *
 * <p>torch's grad mode is thread-local and on by default on a fresh thread (DJL only switches it off on the thread
 * that initialised the engine, FORMATS §8), and torch refuses in-place ops on a leaf that requires grad while it is
 * on. So every optimizer step and clipping pass runs inside {@code try (NoGrad g = NoGrad.enter())}, the Java
 * equivalent of {@code @torch.no_grad()} on {@code torch.optim.Optimizer.step}.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    private NoGrad(boolean previous) {
        this.previous = previous;
    }

    /** Switches grad mode off on this thread until {@link #close()} restores the previous mode. */
    public static NoGrad enter() {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(previous);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }

    /**
     * Zeroes the accumulated gradient of {@code array} (DJL accumulates gradients across collectors until they are
     * zeroed, FORMATS §8). Uses the engine's {@code zeroGrad}, which also clears NaN/Inf (unlike {@code g -= g}).
     */
    public static void zeroGradient(NDArray array) {
        if (!array.hasGradient()) {
            return;
        }
        if (array instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            try (NDArray g = array.getGradient()) {
                g.muli(0);
            }
        }
    }
}
