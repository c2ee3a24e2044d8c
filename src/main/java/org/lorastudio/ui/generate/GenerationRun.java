package org.lorastudio.ui.generate;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.lorastudio.util.UserException;

/**
 * What both Generate view models (images and text) do around one job on the {@link GenerationEngine}'s thread:
 * the running flag, the progress bar and line, the message line, the cancel flag the engine polls between steps,
 * and progress coalescing (the engine thread keeps only the newest update; at most one is pending on the FX
 * thread). The view models keep what differs: the form, the job, how progress and results are shown.
 */
final class GenerationRun {
    // The view models hand these to their views as runningProperty() and so on.
    final BooleanProperty running = new SimpleBooleanProperty();
    /** 0..1, or -1 (indeterminate) while the model loads. */
    final DoubleProperty progress = new SimpleDoubleProperty();
    final StringProperty progressText = new SimpleStringProperty("");
    /** What went wrong, or what was saved. */
    final StringProperty message = new SimpleStringProperty("");
    private final Executor fx;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final AtomicReference<Runnable> pendingProgress = new AtomicReference<>();

    GenerationRun(Executor fx) {
        this.fx = fx;
    }

    /** Whether the user asked the running job to stop; the engine polls it. */
    boolean cancelRequested() {
        return cancel.get();
    }

    /**
     * Builds the job from the form and submits it. A form with problems shows them in the message line and
     * returns a failed future without starting anything.
     *
     * @param build    the job the form describes; throws {@link UserException} listing every problem
     * @param submit   hands the job to the engine (after the run is reset to "Starting…")
     * @param cancelled whether an outcome ended by the cancel flag
     * @param show     puts an outcome on screen, on {@code fx}, and returns the progress line for it
     * @return completes on {@code fx} after the outcome is shown (or with the job's failure)
     */
    <J, O> CompletableFuture<O> start(Supplier<J> build, Function<J, CompletableFuture<O>> submit,
                                      Predicate<O> cancelled, BiFunction<J, O, String> show) {
        J job;
        try {
            job = build.get();
        } catch (UserException e) {
            message.set(e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        cancel.set(false);
        running.set(true);
        progress.set(-1);
        progressText.set("Starting…");
        message.set("");
        CompletableFuture<O> done = new CompletableFuture<>();
        submit.apply(job).whenCompleteAsync((outcome, error) -> {
            running.set(false);
            pendingProgress.set(null);
            if (error != null) {
                Throwable e = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                progress.set(0);
                progressText.set("");
                message.set(e instanceof UserException ? e.getMessage() : "Generation failed: " + e);
                done.completeExceptionally(e);
                return;
            }
            String summary = show.apply(job, outcome);
            boolean stopped = cancelled.test(outcome);
            progress.set(stopped ? 0 : 1);
            progressText.set(stopped ? "Cancelled" : summary);
            done.complete(outcome);
        }, fx);
        return done;
    }

    /**
     * Called on the engine thread: remembers {@code update} as the newest and posts at most one to the FX thread,
     * which runs the newest there while the job still runs.
     */
    void post(Runnable update) {
        if (pendingProgress.getAndSet(update) == null) {
            fx.execute(() -> {
                Runnable latest = pendingProgress.getAndSet(null);
                if (latest != null && running.get()) {
                    latest.run();
                }
            });
        }
    }

    /** Asks the running job to stop after the current step or token. */
    void cancel() {
        cancel.set(true);
        progressText.set("Cancelling…");
    }

    /** A path field of the form: {@code null} with a problem added when it is blank or not a valid path. */
    static Path path(String text, String what, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add("no " + what + " given");
            return null;
        }
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            problems.add(what + " is not a valid path: " + text);
            return null;
        }
    }
}
