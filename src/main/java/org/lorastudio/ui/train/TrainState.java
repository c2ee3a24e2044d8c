package org.lorastudio.ui.train;

/** Where the Train screen stands. */
public enum TrainState {
    /** Nothing running (never started, or the last run ended). */
    IDLE,
    /** Loading the model and caching data before step 1. */
    PREPARING,
    /** Steps are being taken. */
    RUNNING,
    /** A stop was requested; the current step finishes and a checkpoint is saved. */
    STOPPING;

    /** Whether a trainer thread is alive. */
    public boolean busy() {
        return this != IDLE;
    }
}
