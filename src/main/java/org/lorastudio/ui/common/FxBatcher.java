package org.lorastudio.ui.common;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javafx.application.Platform;

/**
 * Collects values posted from any thread and hands them to the FX thread in one batch: at most one
 * {@link Platform#runLater} is pending at a time, so a burst of background results (thumbnails, progress, events)
 * costs one FX task per pulse instead of one per value (STYLE convention 9).
 */
public final class FxBatcher<T> {
    private final Consumer<List<T>> consumer;
    private final Consumer<Runnable> uiThread;
    private List<T> pending = new ArrayList<>();
    private boolean scheduled;

    /** Batches delivered through {@link Platform#runLater}. */
    public FxBatcher(Consumer<List<T>> consumer) {
        this(consumer, Platform::runLater);
    }

    /** Batches delivered through {@code uiThread} (tests pass {@code Runnable::run}). */
    public FxBatcher(Consumer<List<T>> consumer, Consumer<Runnable> uiThread) {
        this.consumer = consumer;
        this.uiThread = uiThread;
    }

    /** Queues a value; safe from any thread. */
    public void add(T value) {
        boolean schedule;
        synchronized (this) {
            pending.add(value);
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            uiThread.accept(this::drain);
        }
    }

    /** Whether nothing waits for delivery. */
    public synchronized boolean isEmpty() {
        return !scheduled && pending.isEmpty();
    }

    private void drain() {
        List<T> batch;
        synchronized (this) {
            batch = pending;
            pending = new ArrayList<>();
            scheduled = false;
        }
        if (!batch.isEmpty()) {
            consumer.accept(batch);
        }
    }
}
