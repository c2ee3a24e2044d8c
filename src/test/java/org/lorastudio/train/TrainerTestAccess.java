package org.lorastudio.train;

/** Test access to the trainer's package-private hooks. */
public final class TrainerTestAccess {
    private TrainerTestAccess() {
    }

    public static void stopAfter(Trainer trainer, int step) {
        trainer.stopAfter(step);
    }

    public static void startLossScale(Trainer trainer, double scale) {
        trainer.startLossScale(scale);
    }
}
