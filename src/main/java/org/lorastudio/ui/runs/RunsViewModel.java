package org.lorastudio.ui.runs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunEntry;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunListing;
import org.lorastudio.util.UserException;

/**
 * The runs table's state and actions. Disk work runs on {@code background}; results are applied on {@code fx}
 * (the FX thread in the app, the calling thread in tests), so the FX thread never waits for a folder scan.
 */
public final class RunsViewModel {
    private final Path runsDir;
    private final Executor background;
    private final Executor fx;
    private final ObservableList<RunRow> rows = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private final ObjectProperty<Path> selectedRun;
    private final ObjectProperty<Consumer<Path>> onOpenNotes = new SimpleObjectProperty<>(p -> { });
    private final ObjectProperty<Consumer<Path>> onResume = new SimpleObjectProperty<>();
    private final ObjectProperty<Consumer<List<Path>>> onCompare = new SimpleObjectProperty<>();
    private Supplier<Instant> clock = Instant::now;

    /**
     * @param runsDir the runs folder
     * @param selectedRun the run in focus across screens ({@code StudioContext.runProperty()})
     */
    public RunsViewModel(Path runsDir, ObjectProperty<Path> selectedRun, Executor background, Executor fx) {
        this.runsDir = runsDir;
        this.selectedRun = selectedRun;
        this.background = background;
        this.fx = fx;
    }

    /** The runs, newest first until the user sorts the table. */
    public ObservableList<RunRow> rows() {
        return rows;
    }

    /** The last thing that happened, in one sentence (errors included). */
    public StringProperty messageProperty() {
        return message;
    }

    public BooleanProperty loadingProperty() {
        return loading;
    }

    /** Called after "open notes" has set the run in focus; the shell switches to the Notes tab here. */
    public ObjectProperty<Consumer<Path>> onOpenNotesProperty() {
        return onOpenNotes;
    }

    /** Resumes a stopped run; null (the default) until the trainer is connected, which disables the action. */
    public ObjectProperty<Consumer<Path>> onResumeProperty() {
        return onResume;
    }

    public Path runsDir() {
        return runsDir;
    }

    /** The workspace's trash, next to the runs folder. */
    public Path trashDir() {
        return runsDir.toAbsolutePath().getParent().resolve(RunArchive.TRASH_DIR);
    }

    void setClock(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** Rereads the runs folder in the background. */
    public CompletableFuture<List<RunRow>> refresh() {
        loading.set(true);
        return run(() -> load(runsDir, clock.get()), result -> {
            rows.setAll(result);
            loading.set(false);
        }, e -> loading.set(false));
    }

    /** Every run in {@code runsDir} as table rows, newest first (reads the disk: call it off the FX thread). */
    public static List<RunRow> load(Path runsDir, Instant now) {
        RunListing listing = new RunCatalog(runsDir).list();
        List<RunRow> out = new ArrayList<>();
        for (RunEntry e : listing.entries()) {
            out.add(RunRow.of(e, now));
        }
        out.sort(defaultOrder());
        return out;
    }

    /** Newest first; runs without a date (hand-made folders) last, by id. */
    static Comparator<RunRow> defaultOrder() {
        return RunColumn.DATE.rowComparator().reversed().thenComparing(RunRow::id);
    }

    /** Makes {@code row} the run in focus and hands it to the notes screen. */
    public void openNotes(RunRow row) {
        selectedRun.set(row.dir());
        Consumer<Path> c = onOpenNotes.get();
        if (c != null) {
            c.accept(row.dir());
        }
    }

    /** True when a trainer is connected and {@code row} stopped or failed with a checkpoint to resume from. */
    public boolean canResume(RunRow row) {
        return onResume.get() != null && row != null && row.resumable();
    }

    /** Opens the Compare screen on the given runs; null (the default) until the shell connects it. */
    public ObjectProperty<Consumer<List<Path>>> onCompareProperty() {
        return onCompare;
    }

    /** True when the shell is connected and 2 to 4 readable runs are picked. */
    public boolean canCompare(List<RunRow> rows) {
        return onCompare.get() != null && rows.size() >= 2 && rows.size() <= 4
                && rows.stream().allMatch(RunRow::readable);
    }

    /** Compares the picked runs, in the order given. */
    public void compare(List<RunRow> rows) {
        if (canCompare(rows)) {
            onCompare.get().accept(rows.stream().map(RunRow::dir).toList());
        }
    }

    public void resume(RunRow row) {
        if (canResume(row)) {
            onResume.get().accept(row.dir());
        }
    }

    /** Forks {@code row} with {@code changeLines} ({@code key=value} per line); the new folder when done. */
    public CompletableFuture<Path> fork(RunRow row, String changeLines) {
        return run(() -> RunForks.fork(RunFolder.open(row.dir()), runsDir, changeLines, clock.get()).dir(),
                dir -> {
                    message.set("Forked " + row.id() + " as " + dir.getFileName());
                    refresh();
                }, e -> { });
    }

    /** Zips the run folder to {@code target} atomically. */
    public CompletableFuture<Path> export(RunRow row, Path target) {
        return run(() -> {
            RunArchive.zip(row.dir(), target);
            return target;
        }, t -> message.set("Exported " + row.id() + " to " + t), e -> { });
    }

    /** Moves the run folder to the workspace's {@code .trash/}; returns where it went. */
    public CompletableFuture<Path> delete(RunRow row) {
        return run(() -> RunArchive.trash(row.dir(), trashDir()), t -> {
            message.set("Moved " + row.id() + " to " + t.getParent() + " (delete it there to free the space)");
            if (row.dir().equals(selectedRun.get())) {
                selectedRun.set(null);
            }
            rows.remove(row);
        }, e -> { });
    }

    @FunctionalInterface
    interface Work<T> {
        T call() throws IOException;
    }

    private <T> CompletableFuture<T> run(Work<T> work, Consumer<T> onFx, Consumer<Throwable> onFailFx) {
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture.supplyAsync(() -> {
            try {
                return work.call();
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, background).whenCompleteAsync((value, error) -> {
            if (error == null) {
                onFx.accept(value);
                result.complete(value);
            } else {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                message.set(describe(cause));
                onFailFx.accept(cause);
                result.completeExceptionally(cause);
            }
        }, fx);
        return result;
    }

    /** One plain sentence for the user; the detail goes to the log by whoever threw. */
    static String describe(Throwable e) {
        if (e instanceof UserException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
