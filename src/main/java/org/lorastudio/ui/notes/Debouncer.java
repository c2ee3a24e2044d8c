package org.lorastudio.ui.notes;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Runs an action once, {@code delayMs} after the last {@link #trigger()}; earlier triggers are dropped. */
final class Debouncer {
    private final ScheduledExecutorService timer;
    private final long delayMs;
    private final Runnable action;
    private ScheduledFuture<?> pending;

    Debouncer(ScheduledExecutorService timer, long delayMs, Runnable action) {
        this.timer = timer;
        this.delayMs = delayMs;
        this.action = action;
    }

    synchronized void trigger() {
        cancel();
        pending = timer.schedule(action, delayMs, TimeUnit.MILLISECONDS);
    }

    synchronized void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
