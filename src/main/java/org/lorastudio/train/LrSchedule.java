package org.lorastudio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A learning-rate schedule as a pure function of the optimizer step, matching transformers'
 * {@code get_constant_schedule}, {@code get_constant_schedule_with_warmup}, {@code get_linear_schedule_with_warmup},
 * {@code get_cosine_schedule_with_warmup} and {@code get_cosine_with_hard_restarts_schedule_with_warmup} (the
 * functions diffusers' {@code get_scheduler} dispatches to; kohya uses the same ones).
 *
 * <p>{@code step} is the 0-based index of the optimizer step, i.e. the number of {@code scheduler.step()} calls
 * done before it, exactly as torch's {@code LambdaLR} counts: with warm-up the first update uses {@code lr(0) = 0}.
 * As in diffusers, {@code constant} ignores {@code warmupSteps}.
 *
 * @param type        which schedule
 * @param baseLr      the peak learning rate ({@code learning_rate})
 * @param warmupSteps linear warm-up length ({@code lr_warmup_steps}), 0 for none
 * @param totalSteps  number of optimizer steps of the whole run (after gradient accumulation)
 * @param numCycles   cosine: number of half-waves ×2 (transformers default 0.5 = one half cosine);
 *                    cosine_with_restarts: number of hard restarts cycles (diffusers default 1)
 */
public record LrSchedule(LrSchedulerType type, double baseLr, int warmupSteps, int totalSteps, double numCycles) {

    /** One point of a sampled curve. */
    public record Point(int step, double lr) {
    }

    public LrSchedule {
        if (type == null) {
            throw new IllegalArgumentException("lr schedule type is required");
        }
        if (!(baseLr >= 0) || Double.isInfinite(baseLr)) {
            throw new IllegalArgumentException("learning rate must be a finite number >= 0, found " + baseLr);
        }
        if (warmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("warmup (" + warmupSteps + ") and total steps (" + totalSteps
                    + ") must be >= 0");
        }
        if (!(numCycles > 0)) {
            throw new IllegalArgumentException("num_cycles must be > 0, found " + numCycles);
        }
    }

    /** A schedule with the reference default cycle count (0.5 for cosine, 1 for cosine_with_restarts). */
    public static LrSchedule of(LrSchedulerType type, double baseLr, int warmupSteps, int totalSteps) {
        double cycles = type == LrSchedulerType.COSINE ? 0.5 : 1.0;
        return new LrSchedule(type, baseLr, warmupSteps, totalSteps, cycles);
    }

    /** The learning rate for optimizer step {@code step} (0-based). */
    public double lr(int step) {
        return baseLr * factor(step);
    }

    /** The multiplier applied to {@code baseLr} (the {@code lr_lambda} of the reference). */
    public double factor(int step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
        if (type == LrSchedulerType.CONSTANT) {
            return 1.0;
        }
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        double decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = (step - warmupSteps) / decaySteps;
        return switch (type) {
            case CONSTANT_WITH_WARMUP -> 1.0;
            case LINEAR -> Math.max(0.0, (totalSteps - step) / decaySteps);
            case COSINE -> Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress)));
            case COSINE_WITH_RESTARTS -> progress >= 1.0 ? 0.0
                    : Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((numCycles * progress) % 1.0))));
            case CONSTANT -> throw new AssertionError("handled above");
        };
    }

    /** The learning rate of every step {@code 0 .. totalSteps-1}. */
    public double[] curve() {
        double[] out = new double[totalSteps];
        for (int s = 0; s < totalSteps; s++) {
            out[s] = lr(s);
        }
        return out;
    }

    /**
     * The curve downsampled to at most {@code maxPoints} evenly spaced steps for a chart; always contains step 0
     * and the last step, and every warm-up boundary step, so corners of the curve are not smoothed away.
     */
    public List<Point> sample(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be >= 2, found " + maxPoints);
        }
        List<Point> out = new ArrayList<>();
        if (totalSteps == 0) {
            return out;
        }
        int last = totalSteps - 1;
        if (totalSteps <= maxPoints) {
            for (int s = 0; s <= last; s++) {
                out.add(new Point(s, lr(s)));
            }
            return out;
        }
        TreeSet<Integer> steps = new TreeSet<>();
        int regular = maxPoints - (warmupSteps > 0 && warmupSteps < last ? 1 : 0);
        for (int i = 0; i < regular; i++) {
            steps.add((int) Math.round((double) i * last / (regular - 1)));
        }
        if (warmupSteps > 0 && warmupSteps < last) {
            steps.add(warmupSteps);
        }
        for (int s : steps) {
            out.add(new Point(s, lr(s)));
        }
        return out;
    }
}
