package org.lorastudio.train;

/**
 * Dynamic loss scaling for fp16 mixed precision, as {@code torch.cuda.amp.GradScaler}: the loss is multiplied by
 * the scale before backward so that small fp16 activation gradients do not underflow, the fp32 LoRA gradients are
 * divided by it again before clipping and the optimizer step. A step whose gradients hold Inf or NaN (an fp16
 * overflow) is skipped and the scale halved; after {@link #GROWTH_INTERVAL} clean steps in a row it doubles.
 *
 * <p>The state (scale, clean steps in a row, steps skipped) goes into every checkpoint, so a resumed run scales
 * and skips exactly as an uninterrupted one. Without fp16 the scale is 1 and never changes.
 */
public final class LossScaler {
    /** GradScaler's init_scale. */
    public static final double INITIAL_SCALE = 65536.0;
    /** GradScaler's growth_interval. */
    public static final int GROWTH_INTERVAL = 2000;
    /** Below this the gradients are not overflowing from the scale: the run has diverged and fails instead. */
    static final double MIN_SCALE = 1.0;

    private final boolean dynamic;
    private double scale;
    private int cleanSteps;
    private int skipped;

    private LossScaler(boolean dynamic, double scale, int cleanSteps, int skipped) {
        this.dynamic = dynamic;
        this.scale = scale;
        this.cleanSteps = cleanSteps;
        this.skipped = skipped;
    }

    /** A fresh scaler: dynamic from 65536 for fp16, fixed at 1 otherwise. */
    public static LossScaler start(boolean fp16) {
        return start(fp16, INITIAL_SCALE);
    }

    static LossScaler start(boolean fp16, double initialScale) {
        return new LossScaler(fp16, fp16 ? initialScale : 1.0, 0, 0);
    }

    /** The scaler of a checkpoint (older checkpoints, without the counters, resume them from 0). */
    public static LossScaler restore(boolean fp16, double scale, int cleanSteps, int skipped) {
        return new LossScaler(fp16, fp16 ? scale : 1.0, cleanSteps, skipped);
    }

    public double scale() {
        return scale;
    }

    /** Clean steps since the last overflow or growth. */
    public int cleanSteps() {
        return cleanSteps;
    }

    /** Steps skipped for overflowing gradients in this run so far. */
    public int skipped() {
        return skipped;
    }

    /** What {@link #update} did. */
    public enum Outcome { APPLIED, SKIPPED, GREW, DIVERGED }

    /**
     * Records one step's gradients: finite ones are applied (and may grow the scale); non-finite ones skip the step
     * and halve the scale, or report divergence when the scale would fall below 1 (or there is no scaling).
     */
    public Outcome update(boolean finite) {
        if (finite) {
            if (!dynamic) {
                return Outcome.APPLIED;
            }
            cleanSteps++;
            if (cleanSteps >= GROWTH_INTERVAL) {
                cleanSteps = 0;
                scale *= 2;
                return Outcome.GREW;
            }
            return Outcome.APPLIED;
        }
        if (!dynamic || scale / 2 < MIN_SCALE) {
            return Outcome.DIVERGED;
        }
        scale /= 2;
        cleanSteps = 0;
        skipped++;
        return Outcome.SKIPPED;
    }
}
