package org.lorastudio.ui.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.dataset.CaptionSource;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * Saving the Datasets screen's captions, for {@link DatasetsViewModel}, without ever overwriting a change made by
 * another program: before writing, the caption is read again from disk and compared with what was read when it
 * was loaded; when they differ the entry is marked as a {@link DatasetsViewModel.Conflict} and the user chooses to
 * reload (their text stays one undo step away) or to overwrite. File work runs on the {@code io} executor, which
 * is serial, so writes keep their order.
 */
final class CaptionSaver {
    /** What happened to one caption save. */
    sealed interface SaveOutcome {
        ImageEntry entry();
    }

    record Saved(ImageEntry entry, String text) implements SaveOutcome {
    }

    record ChangedOnDisk(ImageEntry entry, String diskText) implements SaveOutcome {
    }

    record Failed(ImageEntry entry, String message) implements SaveOutcome {
    }

    private record SaveJob(ImageEntry entry, String expectedOnDisk, String text) {
    }

    private final ObservableList<ImageEntry> entries;
    private final TaskExecutor io;
    private final Consumer<String> errors;
    private final Consumer<ImageEntry> replaced;
    private final Runnable changed;
    /** Captions changed on disk while being edited, oldest first. */
    final ObservableList<DatasetsViewModel.Conflict> conflicts = FXCollections.observableArrayList();
    /** Outcomes already applied; the close path applies them early, the FX callback later finds them here. */
    private final Set<SaveOutcome> applied = Collections.newSetFromMap(new WeakHashMap<>());
    private volatile CaptionStore store;

    /**
     * @param entries  every image of the open dataset
     * @param io       the serial file executor
     * @param errors   where error sentences go
     * @param replaced told after an entry's caption was replaced by the one on disk (the editor shows it again)
     * @param changed  told after saves ended or a conflict was resolved (the status line)
     */
    CaptionSaver(ObservableList<ImageEntry> entries, TaskExecutor io, Consumer<String> errors,
                 Consumer<ImageEntry> replaced, Runnable changed) {
        this.entries = entries;
        this.io = io;
        this.errors = errors;
        this.replaced = replaced;
        this.changed = changed;
    }

    /** The captions of the dataset just opened are read from and written to {@code opened}. */
    void setStore(CaptionStore opened) {
        store = opened;
    }

    Future<List<SaveOutcome>> saveAll() {
        return save(entries.stream().filter(ImageEntry::isDirty).toList());
    }

    long unsavedCount() {
        return entries.stream().filter(ImageEntry::isDirty).count();
    }

    long saveAllAndWait(long millis) {
        Future<List<SaveOutcome>> future = saveAll();
        try {
            apply(future.get(millis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            errors.accept("Some captions could not be saved: " + Messages.plain(e.getCause() == null ? e
                    : e.getCause()));
        }
        return unsavedCount();
    }

    /** Saves those of {@code list} that have unsaved edits and no conflict. */
    Future<List<SaveOutcome>> save(List<ImageEntry> list) {
        CaptionStore s = store;
        if (s == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<SaveJob> jobs = list.stream().filter(e -> e.needsSave() && !e.hasConflict())
                .map(e -> new SaveJob(e, e.expectedOnDisk(), e.caption())).toList();
        if (jobs.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        jobs.forEach(j -> j.entry().saveQueued(j.text()));
        return io.submit(() -> write(s, jobs), this::apply, error -> {
            jobs.forEach(j -> j.entry().saveDone());
            errors.accept("Captions could not be saved: " + Messages.plain(error));
        });
    }

    /** The io-thread part of a save: compare with the disk, then write atomically through the caption store. */
    private static List<SaveOutcome> write(CaptionStore store, List<SaveJob> jobs) throws IOException {
        CaptionStore fresh = freshStore(store);
        List<SaveOutcome> out = new ArrayList<>();
        for (SaveJob job : jobs) {
            try {
                Optional<String> onDisk = fresh.read(job.entry().image());
                if (!onDisk.equals(Optional.ofNullable(job.expectedOnDisk()))) {
                    out.add(new ChangedOnDisk(job.entry(), onDisk.orElse(null)));
                } else {
                    store.write(job.entry().image(), job.text());
                    out.add(new Saved(job.entry(), job.text()));
                }
            } catch (IOException | RuntimeException e) {
                out.add(new Failed(job.entry(), Messages.plain(e)));
            }
        }
        return out;
    }

    /** A store that reads from disk now: {@code .txt} stores always do; a metadata store caches its file. */
    private static CaptionStore freshStore(CaptionStore store) throws IOException {
        return store.source() == CaptionSource.TXT_FILES ? store : CaptionStore.open(store.root(),
                store.metadataFile());
    }

    private static Optional<String> readFresh(CaptionStore store, Path image) throws IOException {
        return store == null ? Optional.empty() : freshStore(store).read(image);
    }

    private void apply(List<SaveOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<String> failures = new ArrayList<>();
        for (SaveOutcome o : outcomes) {
            if (!applied.add(o)) {
                continue; // already applied by saveAllAndWait on close
            }
            o.entry().saveDone();
            if (o instanceof Saved saved) {
                saved.entry().setDiskText(saved.text());
            } else if (o instanceof ChangedOnDisk diskChange) {
                markConflict(diskChange.entry(), diskChange.diskText());
            } else if (o instanceof Failed failed) {
                failures.add(failed.entry().name() + ": " + failed.message());
            }
        }
        if (!failures.isEmpty()) {
            errors.accept("Could not save " + failures.size() + " caption(s). " + failures.get(0));
        }
        changed.run();
    }

    private void markConflict(ImageEntry entry, String diskText) {
        if (entry.hasConflict()) {
            return;
        }
        entry.setConflict(true);
        conflicts.add(new DatasetsViewModel.Conflict(entry, diskText));
    }

    /** Takes the file's caption; the edited text becomes an undo step recorded at {@code now} (nanoseconds). */
    void reload(DatasetsViewModel.Conflict conflict, long now) {
        ImageEntry e = conflict.entry();
        conflicts.remove(conflict);
        e.setConflict(false);
        e.history().record(e.caption(), false, now);
        e.setDiskText(conflict.diskText());
        e.setCaption(conflict.diskText() == null ? "" : conflict.diskText());
        replaced.accept(e);
        changed.run();
    }

    Future<List<SaveOutcome>> overwrite(DatasetsViewModel.Conflict conflict) {
        ImageEntry e = conflict.entry();
        conflicts.remove(conflict);
        e.setConflict(false);
        e.setDiskText(conflict.diskText());
        return save(List.of(e));
    }

    /**
     * Re-reads a caption when it comes into the editor: an unedited caption silently takes what is on disk; an
     * edited one whose file changed becomes a conflict.
     */
    void refreshFromDisk(ImageEntry entry) {
        CaptionStore s = store;
        String known = entry.diskText();
        io.submit(() -> readFresh(s, entry.image()), fresh -> {
            String now = fresh.orElse(null);
            if (Objects.equals(now, entry.diskText()) || !Objects.equals(known, entry.diskText())) {
                return;
            }
            if (entry.isDirty()) {
                markConflict(entry, now);
            } else {
                entry.setDiskText(now);
                entry.setCaption(now == null ? "" : now);
                replaced.accept(entry);
            }
        }, error -> errors.accept(Messages.plain(error)));
    }
}
