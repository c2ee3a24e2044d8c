package org.lorastudio.ui.common;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import javafx.application.Platform;

/**
 * The seam between view models and threads (JabRef's {@code TaskExecutor}): work runs off the UI thread and its
 * result comes back on the UI thread. {@link #sameThread()} runs everything inline, so view-model tests are
 * deterministic and need no FX toolkit.
 */
public interface TaskExecutor {
    /**
     * Runs {@code work} in the background, then {@code onDone} or {@code onError} on the UI thread.
     *
     * @return the background part, completed with the work's result (callers that must wait, e.g. on close, wait
     *         on it; the callbacks may not have run yet)
     */
    <T> Future<T> submit(Callable<T> work, Consumer<? super T> onDone, Consumer<? super Throwable> onError);

    /** Runs {@code action} on the UI thread, later. */
    void ui(Runnable action);

    /** Everything on the calling thread, in order: for tests. */
    static TaskExecutor sameThread() {
        return new TaskExecutor() {
            @Override
            public <T> Future<T> submit(Callable<T> work, Consumer<? super T> onDone,
                                        Consumer<? super Throwable> onError) {
                T result;
                try {
                    result = work.call();
                } catch (Exception | Error e) {
                    onError.accept(e);
                    return CompletableFuture.failedFuture(e);
                }
                onDone.accept(result);
                return CompletableFuture.completedFuture(result);
            }

            @Override
            public void ui(Runnable action) {
                action.run();
            }
        };
    }

    /** Work on {@code background}, callbacks through {@link Platform#runLater}. */
    static TaskExecutor fx(Executor background) {
        return new TaskExecutor() {
            @Override
            public <T> Future<T> submit(Callable<T> work, Consumer<? super T> onDone,
                                        Consumer<? super Throwable> onError) {
                CompletableFuture<T> future = CompletableFuture.supplyAsync(() -> {
                    try {
                        return work.call();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                }, background);
                future.whenComplete((result, error) -> Platform.runLater(() -> {
                    if (error == null) {
                        onDone.accept(result);
                    } else {
                        onError.accept(error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error);
                    }
                }));
                return future;
            }

            @Override
            public void ui(Runnable action) {
                Platform.runLater(action);
            }
        };
    }
}
