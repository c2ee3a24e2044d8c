package org.lorastudio.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loads items in order on background threads, a bounded number ahead of the consumer: image decoding and resizing
 * (pure Java, into Java arrays) overlap the trainer thread's native work, while every tensor is still created on
 * the trainer thread, which owns native memory (STYLE 7). Results come back in item order, so what the consumer
 * sees is exactly what a serial loop would have produced. A load failure is rethrown by {@link #next()} for that
 * item, as it was thrown (a {@code UserException} stays one).
 */
public final class Prefetcher<I, T> implements AutoCloseable {
    /** A load step that may fail with an I/O error. */
    @FunctionalInterface
    public interface Loader<I, T> {
        T load(I item) throws IOException;
    }

    private final List<I> items;
    private final Loader<I, T> loader;
    private final ExecutorService pool;
    private final Deque<Future<T>> ahead = new ArrayDeque<>();
    private final int lookahead;
    private int submitted;

    /**
     * @param threads   background threads (at least 1)
     * @param lookahead how many items may be loaded ahead of the consumer (bounds the memory held)
     */
    public Prefetcher(List<I> items, Loader<I, T> loader, int threads, int lookahead) {
        this.items = List.copyOf(items);
        this.loader = loader;
        this.lookahead = Math.max(1, lookahead);
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "lorastudio-prefetch");
            t.setDaemon(true);
            return t;
        });
        fill();
    }

    /** A sensible thread count for decoding beside one busy trainer thread: half the cores, at least one. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    private void fill() {
        while (ahead.size() < lookahead && submitted < items.size()) {
            I item = items.get(submitted++);
            ahead.add(pool.submit(() -> loader.load(item)));
        }
    }

    public boolean hasNext() {
        return !ahead.isEmpty();
    }

    /** The next item's result, in order; waits for it if it is not loaded yet. */
    public T next() throws IOException {
        Future<T> f = ahead.poll();
        if (f == null) {
            throw new java.util.NoSuchElementException("no more items");
        }
        fill();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }

    @Override
    public void close() {
        ahead.forEach(f -> f.cancel(true));
        ahead.clear();
        pool.shutdownNow();
    }
}
