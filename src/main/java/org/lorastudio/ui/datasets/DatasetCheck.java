package org.lorastudio.ui.datasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetChecker;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.ProblemKind;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Datasets screen's background check, for {@link DatasetsViewModel}: runs the {@link DatasetChecker} (which
 * decodes every image) on the {@code checks} executor at the training resolution, pauses it while the user is
 * active, reports its progress, and attaches the problems it finds to the images (the rest are folder problems).
 * Each check belongs to one opened folder, its generation: a check whose folder is no longer open changes nothing.
 */
final class DatasetCheck {
    /** The image check pauses while the user scrolled or typed this recently (nanoseconds). */
    static final long CHECK_PAUSE_NANOS = 400_000_000L;

    private final ObservableList<ImageEntry> entries;
    private final TaskExecutor io;
    private final TaskExecutor checks;
    private final Consumer<String> errors;
    private final Runnable reported;
    /** 0..1 while a check runs, else -1. */
    final DoubleProperty checkProgress = new SimpleDoubleProperty(-1);
    /** The problems that belong to no single image. */
    final ObservableList<DatasetProblem> folderProblems = FXCollections.observableArrayList();

    /** The generation of the folder opened last (the view model counts them); older checks change nothing. */
    private int generation;
    /** The last scan, for re-checking when the training resolution changes. */
    private Dataset lastDataset;
    private AtomicBoolean checkCancel = new AtomicBoolean();
    /** When the user last scrolled or pressed a key ({@link System#nanoTime}); read by the check thread. */
    private volatile long lastActivity = Long.MIN_VALUE / 2;

    /**
     * @param entries    every image of the open dataset
     * @param io         for posting progress to the FX thread
     * @param checks     where the check runs
     * @param errors     where error sentences go
     * @param reported   told after a check's problems were attached (filters and status line)
     */
    DatasetCheck(ObservableList<ImageEntry> entries, TaskExecutor io, TaskExecutor checks, Consumer<String> errors,
                 Runnable reported) {
        this.entries = entries;
        this.io = io;
        this.checks = checks;
        this.errors = errors;
        this.reported = reported;
    }

    /** Stops the running check, if any. */
    void cancel() {
        checkCancel.set(true);
    }

    /** Another folder, of generation {@code gen}, is being opened: the running check stops, its results drop. */
    void folderOpened(int gen) {
        generation = gen;
        checkCancel.set(true);
    }

    /** Checks the freshly scanned dataset of the folder opened last, for training at {@code side} pixels. */
    void start(Dataset dataset, int side) {
        lastDataset = dataset;
        runCheck(dataset, generation, side);
    }

    /** Checks the last scan again at a new training resolution, stopping the check under way. */
    void recheck(int side) {
        if (lastDataset != null) {
            checkCancel.set(true);
            runCheck(lastDataset, generation, side);
        }
    }

    private void runCheck(Dataset dataset, int gen, int side) {
        AtomicBoolean cancel = new AtomicBoolean();
        checkCancel = cancel;
        checkProgress.set(0);
        int[] lastPercent = {0};
        checks.submit(() -> new DatasetChecker(side).check(dataset, (done, total) -> {
            if (cancel.get()) {
                throw new CancellationException("a new folder was opened");
            }
            pauseWhileUserIsActive(cancel);
            int percent = (int) (100L * done / Math.max(1, total));
            if (percent != lastPercent[0]) {
                lastPercent[0] = percent;
                io.ui(() -> {
                    if (gen == generation) {
                        checkProgress.set(percent / 100.0);
                    }
                });
            }
        }), report -> {
            if (gen == generation) {
                applyProblems(report.problems());
                checkProgress.set(-1);
                reported.run();
            }
        }, error -> {
            if (gen == generation) {
                checkProgress.set(-1);
                if (!(error instanceof CancellationException)) {
                    errors.accept("The dataset check failed: " + Messages.plain(error));
                }
            }
        });
    }

    /** See {@link DatasetsViewModel#noteUserActivity()}. */
    void noteUserActivity() {
        lastActivity = System.nanoTime();
    }

    private void pauseWhileUserIsActive(AtomicBoolean cancel) {
        while (!cancel.get() && System.nanoTime() - lastActivity < CHECK_PAUSE_NANOS) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted");
            }
        }
    }

    /** Attaches problems to images (by image name, or by caption-file name); the rest are folder problems. */
    void applyProblems(List<DatasetProblem> problems) {
        Map<String, ImageEntry> byName = new HashMap<>();
        Map<String, ImageEntry> byCaption = new HashMap<>();
        for (ImageEntry e : entries) {
            byName.put(e.name(), e);
            byCaption.put(stem(e.name()) + ".txt", e);
        }
        Map<ImageEntry, List<DatasetProblem>> perImage = new LinkedHashMap<>();
        List<DatasetProblem> rest = new ArrayList<>();
        for (DatasetProblem p : problems) {
            if (p.kind() == ProblemKind.MISSING_CAPTION || p.kind() == ProblemKind.EMPTY_CAPTION) {
                continue; // shown live from the caption being edited, never stale
            }
            ImageEntry e = byName.getOrDefault(p.file(), byCaption.get(p.file()));
            if (e == null) {
                rest.add(p);
            } else {
                perImage.computeIfAbsent(e, k -> new ArrayList<>()).add(p);
            }
        }
        for (ImageEntry e : entries) {
            e.problemsProperty().set(List.copyOf(perImage.getOrDefault(e, List.of())));
        }
        folderProblems.setAll(rest);
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > name.lastIndexOf('/') ? name.substring(0, dot) : name;
    }
}
