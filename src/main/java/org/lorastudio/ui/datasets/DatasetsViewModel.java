package org.lorastudio.ui.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.TagEdit;
import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.datasets.CaptionSaver.SaveOutcome;

/**
 * Everything the Datasets screen does, without controls: the folder list, the scanned images with their captions,
 * filters, the multi-selection, the caption being edited (text and tags) with per-caption undo/redo, batch tag
 * edits, the tag frequency table, the token count, the background dataset check, and saving.
 *
 * <p>This class opens folders and ties the screen together; the parts live in package-private collaborators:
 * {@link ImageGrid} (filters, visible images, selection), {@link CaptionEditor} (the caption in the editor, tags,
 * undo, tokens, frequencies), {@link CaptionSaver} (saving and conflicts), {@link DatasetCheck} (the background
 * image check and where its problems go) and {@link FolderListing} (the quick directory listings).
 *
 * <p>Saving never overwrites a change made by another program: before writing, the caption is read again from
 * disk and compared with what was read when it was loaded; when they differ the entry is marked as a
 * {@link Conflict} and the user chooses to reload (their text stays one undo step away) or to overwrite. File work
 * runs on the {@code io} executor (serial, so writes keep their order); the image check, which decodes every image,
 * on {@code checks}. Both are {@link TaskExecutor#sameThread()} in tests.
 */
public final class DatasetsViewModel {
    /** How a click changes the selection: plain click, Ctrl+click, Shift+click. */
    public enum SelectMode { SINGLE, TOGGLE, RANGE }

    /**
     * A caption whose file changed on disk while it had unsaved edits.
     *
     * @param entry    the image
     * @param diskText the caption now on disk; {@code null} when the file was deleted
     */
    public record Conflict(ImageEntry entry, String diskText) {
    }

    private record Opened(CaptionStore store, Dataset dataset) {
    }

    private final Path workspace;
    private final TaskExecutor io;
    private final LongSupplier clock;

    private final ObservableList<Path> folders = FXCollections.observableArrayList();
    private final ObjectProperty<Path> root = new SimpleObjectProperty<>();
    private final ObservableList<ImageEntry> entries = FXCollections.observableArrayList();
    private final StringProperty status = new SimpleStringProperty("No dataset open");
    private final BooleanProperty busy = new SimpleBooleanProperty(false);

    private final CaptionEditor editor;
    private final ImageGrid grid;
    private final CaptionSaver saver;
    private final DatasetCheck check;
    private final RunLossSort lossSort;

    private Consumer<String> errors = message -> { };
    /** Counts opened folders; work for a folder that is no longer open is dropped. */
    private int generation;

    public DatasetsViewModel(Path workspace, TaskExecutor io, TaskExecutor checks, LongSupplier nanoClock) {
        this.workspace = workspace;
        this.io = io;
        this.clock = nanoClock;
        Consumer<String> report = message -> errors.accept(message);
        this.editor = new CaptionEditor(entries, nanoClock, this::updateStatus);
        this.grid = new ImageGrid(entries, editor.current, this::setCurrent, this::updateStatus);
        this.saver = new CaptionSaver(entries, io, report, this::replacedFromDisk, this::updateStatus);
        this.check = new DatasetCheck(entries, io, checks, report, () -> {
            grid.refilter();
            updateStatus();
        });
        this.lossSort = new RunLossSort(workspace, io, grid.visible);
        grid.minSide.addListener((obs, a, b) -> {
            grid.refilter();
            check.recheck(grid.minSide.get());
        });
    }

    // ---- properties ---------------------------------------------------------------------------------------------

    /** Folders under {@code <workspace>/datasets}. */
    public ObservableList<Path> folders() {
        return folders;
    }

    public ReadOnlyObjectProperty<Path> rootProperty() {
        return root;
    }

    /** Every image of the open dataset, in name order. */
    public ObservableList<ImageEntry> entries() {
        return entries;
    }

    /** The images that pass the filters, in the grid's order (name, or a run's loss): what the grid shows. */
    public ObservableList<ImageEntry> visible() {
        return grid.visible;
    }

    /** Sorting by the per-image loss of a run of this folder (issue 16). */
    public RunLossSort lossSort() {
        return lossSort;
    }

    /** The image whose caption is in the editor. */
    public ReadOnlyObjectProperty<ImageEntry> currentProperty() {
        return editor.current;
    }

    public ImageEntry current() {
        return editor.current.get();
    }

    /** The selected images, in the order they were selected; batch edits apply to them. */
    public ObservableList<ImageEntry> selection() {
        return FXCollections.unmodifiableObservableList(grid.selection);
    }

    /** The caption text in the editor; bind the text area to it. */
    public StringProperty editorTextProperty() {
        return editor.editorText;
    }

    /** The tags of the caption in the editor, in caption order. */
    public ObservableList<String> tags() {
        return editor.tags;
    }

    /** How many captions use each tag, most used first. */
    public ObservableList<TagCount> frequencies() {
        return editor.frequencies;
    }

    /** Problems of the dataset that belong to no single image (metadata lines, ignored folders). */
    public ObservableList<DatasetProblem> folderProblems() {
        return check.folderProblems;
    }

    /** Captions changed on disk while being edited, oldest first; the view asks about the first. */
    public ObservableList<Conflict> conflicts() {
        return saver.conflicts;
    }

    public StringProperty searchProperty() {
        return grid.search;
    }

    public BooleanProperty missingCaptionOnlyProperty() {
        return grid.missingCaptionOnly;
    }

    public BooleanProperty tooSmallOnlyProperty() {
        return grid.tooSmallOnly;
    }

    public BooleanProperty problemsOnlyProperty() {
        return grid.problemsOnly;
    }

    /** The side below which images count as too small: the training resolution. */
    public IntegerProperty minSideProperty() {
        return grid.minSide;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** Progress of the image check, 0..1, or -1 when none is running. */
    public DoubleProperty checkProgressProperty() {
        return check.checkProgress;
    }

    /** Whether a folder is being scanned. */
    public BooleanProperty busyProperty() {
        return busy;
    }

    /** {@code "12 / 75 tokens"}, or empty when no tokenizer was found. */
    public StringProperty tokenTextProperty() {
        return editor.tokenText;
    }

    public BooleanProperty overTokenLimitProperty() {
        return editor.overTokenLimit;
    }

    public BooleanProperty canUndoProperty() {
        return editor.canUndo;
    }

    public BooleanProperty canRedoProperty() {
        return editor.canRedo;
    }

    /** Where error sentences go (the view shows them as notifications). */
    public void setErrorHandler(Consumer<String> handler) {
        this.errors = Objects.requireNonNull(handler);
        lossSort.onErrors(e -> handler.accept("Cannot read the run's per-image losses: " + Messages.plain(e)));
    }

    /** The tokenizer for the token count; empty hides the count. */
    public void setTokenizer(Optional<ClipTokenizer> tokenizer) {
        editor.setTokenizer(tokenizer);
    }

    // ---- folders ------------------------------------------------------------------------------------------------

    /** Lists {@code <workspace>/datasets/*} in the background. */
    public void refreshFolders() {
        Path dir = workspace.resolve("datasets");
        io.submit(() -> FolderListing.listFolders(dir), folders::setAll, e -> errors.accept(Messages.plain(e)));
    }

    /**
     * Opens a dataset folder: saves pending edits of the open one, scans the new one in the background, selects
     * its first image, then checks every image in the background (badges appear when the check ends).
     */
    public void open(Path dir) {
        saveAll();
        int gen = ++generation;
        check.folderOpened(gen);
        busy.set(true);
        status.set("Scanning " + dir.getFileName() + " …");
        Path abs = dir.toAbsolutePath().normalize();
        // First the names alone (one directory listing, milliseconds even for 10,000 files), so the grid paints
        // placeholder cells and starts on thumbnails at once; then the scan reads every header and caption. The io
        // executor is single-threaded, so the preview always arrives before the scan.
        io.submit(() -> preview(abs), items -> {
            if (gen == generation && busy.get()) {
                showPreview(items);
            }
        }, error -> { }); // the scan below reports the same problem in words
        io.submit(() -> {
            CaptionStore s = CaptionStore.open(abs, Optional.empty());
            return new Opened(s, DatasetScanner.scan(s));
        }, opened -> {
            if (gen == generation) {
                opened(opened);
            }
        }, error -> {
            busy.set(false);
            status.set("Could not open " + dir.getFileName());
            errors.accept("Cannot open " + dir + ": " + Messages.plain(error));
        });
        // After the listing and the scan: the runs that trained on this folder (for "sort by loss") can wait.
        lossSort.datasetOpened(abs);
    }

    /** {@link FolderListing#preview}: the images of a folder by name only, reading no file. */
    static List<DatasetItem> preview(Path dir) throws IOException {
        return FolderListing.preview(dir);
    }

    /** Shows the quick listing as placeholder entries until the scan ends (editing waits for it). */
    private void showPreview(List<DatasetItem> items) {
        List<ImageEntry> list = new ArrayList<>(items.size());
        for (DatasetItem item : items) {
            list.add(ImageEntry.placeholder(item));
        }
        grid.clearSelection();
        editor.current.set(null);
        entries.setAll(list);
        status.set(items.size() + " images · reading captions …");
    }

    private void opened(Opened opened) {
        saver.setStore(opened.store());
        Map<Path, ImageEntry> placeholders = new HashMap<>();
        for (ImageEntry e : entries) {
            if (!e.isLoaded()) {
                placeholders.put(e.image(), e);
            }
        }
        List<ImageEntry> list = new ArrayList<>(opened.dataset().items().size());
        for (DatasetItem item : opened.dataset().items()) {
            ImageEntry e = placeholders.remove(item.image());
            if (e != null) {
                e.fill(item);
            } else {
                e = new ImageEntry(item);
            }
            list.add(e);
        }
        grid.clearSelection();
        saver.conflicts.clear();
        editor.current.set(null);
        if (!sameEntries(list)) {
            entries.setAll(list); // when the preview was exact, the grid keeps its cells and thumbnails
        }
        root.set(opened.store().root());
        check.applyProblems(opened.dataset().problems());
        grid.refilter();
        editor.refreshFrequencies();
        busy.set(false);
        if (!grid.visible.isEmpty()) {
            select(grid.visible.get(0), SelectMode.SINGLE);
        } else {
            editor.loadEditor();
        }
        updateStatus();
        check.start(opened.dataset(), grid.minSide.get());
    }

    private boolean sameEntries(List<ImageEntry> list) {
        if (list.size() != entries.size()) {
            return false;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) != entries.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Called by the view on scrolling and key presses: the check, which decodes every image, then waits between
     * two images, so that on a two-core machine the grid and the thumbnail workers get the CPU while the user
     * is moving through the images.
     */
    public void noteUserActivity() {
        check.noteUserActivity();
    }

    // ---- filters and selection ----------------------------------------------------------------------------------

    /** Re-applies the filters. Captions edited since are not re-filtered live, so an image never vanishes while
     * its caption is being typed. */
    public void refilter() {
        grid.refilter();
    }

    /** Changes the selection as a click would; the clicked image goes into the editor. */
    public void select(ImageEntry entry, SelectMode mode) {
        grid.select(entry, mode);
    }

    /** Selects every visible image (Ctrl+A); the editor keeps its caption. */
    public void selectAllVisible() {
        if (busy.get()) {
            return;
        }
        grid.selectAllVisible();
    }

    /** Moves the editor to the image {@code delta} places away in the grid (arrows: ±1, ±columns). */
    public void move(int delta) {
        grid.move(delta);
    }

    /** Puts a clicked image into the editor, saving the one that leaves it, and rereads its caption. */
    private void setCurrent(ImageEntry entry) {
        ImageEntry previous = current();
        if (previous == entry) {
            return;
        }
        if (previous != null) {
            previous.history().breakGroup();
            if (previous.isDirty()) {
                saver.save(List.of(previous));
            }
        }
        editor.show(entry);
        if (entry != null) {
            saver.refreshFromDisk(entry);
        }
    }

    // ---- editing ------------------------------------------------------------------------------------------------

    /** Appends a tag to the caption in the editor (nothing when it is already there). */
    public void addTag(String tag) {
        editor.addTag(tag);
    }

    /** Removes the tag at {@code index} of {@link #tags()}. */
    public void removeTag(int index) {
        editor.removeTag(index);
    }

    /** Moves the tag at {@code from} to position {@code to} (drag and drop, or the move buttons). */
    public void moveTag(int from, int to) {
        editor.moveTag(from, to);
    }

    /**
     * Applies a tag edit to every selected caption (or the one in the editor when nothing else is selected), each
     * as an undo step of its own caption, and saves the changed ones.
     *
     * @return how many captions changed
     */
    public int batch(TagEdit edit) {
        List<ImageEntry> targets = new ArrayList<>(grid.selection);
        if (targets.isEmpty() && current() != null) {
            targets.add(current());
        }
        List<ImageEntry> changed = new ArrayList<>(editor.applyToAll(edit, targets));
        saver.save(changed);
        editor.refreshFrequencies();
        updateStatus();
        return changed.size();
    }

    /** Ctrl+Z on the caption in the editor. */
    public void undo() {
        editor.undo();
    }

    /** Ctrl+Y on the caption in the editor. */
    public void redo() {
        editor.redo();
    }

    /** Tags of the dataset containing {@code typed} (ignoring case), most used first, without the caption's own. */
    public List<String> suggest(String typed) {
        return editor.suggest(typed);
    }

    /** Recounts tag use over every caption as edited (after saves and tag operations, not per keystroke). */
    public void refreshFrequencies() {
        editor.refreshFrequencies();
    }

    /** A caption was replaced by the one on disk: the editor shows it if it is there, the tag counts follow. */
    private void replacedFromDisk(ImageEntry entry) {
        if (entry == current()) {
            editor.loadEditor();
        }
        editor.refreshFrequencies();
    }

    // ---- saving -------------------------------------------------------------------------------------------------

    /** Ctrl+S: saves the caption in the editor. */
    public Future<List<SaveOutcome>> save() {
        ImageEntry e = current();
        if (e != null) {
            e.history().breakGroup();
        }
        return e == null ? CompletableFuture.completedFuture(List.of()) : saver.save(List.of(e));
    }

    /** Saves every edited caption (timer, folder change). */
    public Future<List<SaveOutcome>> saveAll() {
        return saver.saveAll();
    }

    /** The number of edited captions not yet on disk (conflicts included). */
    public long unsavedCount() {
        return saver.unsavedCount();
    }

    /**
     * On close: saves every edited caption and waits up to {@code millis} for the writes (small files, on the io
     * thread; the wait is bounded so that a hung disk cannot hang the window).
     *
     * @return the number of captions still unsaved: conflicts, failures, or writes that did not finish in time
     */
    public long saveAllAndWait(long millis) {
        return saver.saveAllAndWait(millis);
    }

    /**
     * Resolves a conflict by taking the file's caption; the edited text stays one undo step away.
     */
    public void reload(Conflict conflict) {
        saver.reload(conflict, clock.getAsLong());
    }

    /** Resolves a conflict by writing the edited caption over the file's (if the file has not changed again). */
    public Future<List<SaveOutcome>> overwrite(Conflict conflict) {
        return saver.overwrite(conflict);
    }

    private void updateStatus() {
        if (root.get() == null) {
            return;
        }
        List<ImageEntry> visible = grid.visible;
        List<ImageEntry> selection = grid.selection;
        long missing = entries.stream().filter(ImageEntry::missingCaption).count();
        long unsaved = unsavedCount();
        long errorsCount = entries.stream().filter(ImageEntry::hasErrors).count();
        StringBuilder sb = new StringBuilder();
        sb.append(entries.size()).append(" images");
        if (visible.size() != entries.size()) {
            sb.append(" · ").append(visible.size()).append(" shown");
        }
        if (selection.size() > 1) {
            sb.append(" · ").append(selection.size()).append(" selected");
        }
        sb.append(" · ").append(missing).append(" without caption");
        if (errorsCount > 0) {
            sb.append(" · ").append(errorsCount).append(" with errors");
        }
        sb.append(unsaved == 0 ? " · all saved" : " · " + unsaved + " unsaved");
        status.set(sb.toString());
    }

    /** Stops the background check (the screen is closing). */
    public void dispose() {
        check.cancel();
    }
}
