package org.lorastudio.ui.datasets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.lorastudio.dataset.CaptionSource;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetChecker;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.dataset.ImageFormat;
import org.lorastudio.dataset.ProblemKind;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.TagEdit;
import org.lorastudio.dataset.Tags;
import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * Everything the Datasets screen does, without controls: the folder list, the scanned images with their captions,
 * filters, the multi-selection, the caption being edited (text and tags) with per-caption undo/redo, batch tag
 * edits, the tag frequency table, the token count, the background dataset check, and saving.
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

    private record Opened(CaptionStore store, Dataset dataset) {
    }

    /** The image check pauses while the user scrolled or typed this recently (nanoseconds). */
    static final long CHECK_PAUSE_NANOS = 400_000_000L;

    /** Most tags offered by autocompletion. */
    static final int MAX_SUGGESTIONS = 15;

    private final Path workspace;
    private final TaskExecutor io;
    private final TaskExecutor checks;
    private final LongSupplier clock;

    private final ObservableList<Path> folders = FXCollections.observableArrayList();
    private final ObjectProperty<Path> root = new SimpleObjectProperty<>();
    private final ObservableList<ImageEntry> entries = FXCollections.observableArrayList();
    private final FilteredList<ImageEntry> filtered = new FilteredList<>(entries, e -> true);
    private final javafx.collections.transformation.SortedList<ImageEntry> visible =
            new javafx.collections.transformation.SortedList<>(filtered);
    private final RunLossSort lossSort;
    private final ObjectProperty<ImageEntry> current = new SimpleObjectProperty<>();
    private final ObservableList<ImageEntry> selection = FXCollections.observableArrayList();
    private final StringProperty editorText = new SimpleStringProperty("");
    private final ObservableList<String> tags = FXCollections.observableArrayList();
    private final ObservableList<TagCount> frequencies = FXCollections.observableArrayList();
    private final ObservableList<DatasetProblem> folderProblems = FXCollections.observableArrayList();
    private final ObservableList<Conflict> conflicts = FXCollections.observableArrayList();

    private final StringProperty search = new SimpleStringProperty("");
    private final BooleanProperty missingCaptionOnly = new SimpleBooleanProperty(false);
    private final BooleanProperty tooSmallOnly = new SimpleBooleanProperty(false);
    private final BooleanProperty problemsOnly = new SimpleBooleanProperty(false);
    private final IntegerProperty minSide = new SimpleIntegerProperty(DatasetChecker.DEFAULT_RESOLUTION);

    private final StringProperty status = new SimpleStringProperty("No dataset open");
    private final DoubleProperty checkProgress = new SimpleDoubleProperty(-1);
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    private final StringProperty tokenText = new SimpleStringProperty("");
    private final BooleanProperty overTokenLimit = new SimpleBooleanProperty(false);
    private final BooleanProperty canUndo = new SimpleBooleanProperty(false);
    private final BooleanProperty canRedo = new SimpleBooleanProperty(false);

    private volatile CaptionStore store;
    /** The last scan, for re-checking when the training resolution changes. */
    private Dataset lastDataset;
    private ClipTokenizer tokenizer;
    private Consumer<String> errors = message -> { };
    private ImageEntry anchor;
    /** Outcomes already applied; the close path applies them early, the FX callback later finds them here. */
    private final Set<SaveOutcome> applied = Collections.newSetFromMap(new WeakHashMap<>());
    private boolean updatingEditor;
    private int generation;
    private AtomicBoolean checkCancel = new AtomicBoolean();
    /** When the user last scrolled or pressed a key ({@link System#nanoTime}); read by the check thread. */
    private volatile long lastActivity = Long.MIN_VALUE / 2;

    public DatasetsViewModel(Path workspace, TaskExecutor io, TaskExecutor checks, LongSupplier nanoClock) {
        this.workspace = workspace;
        this.io = io;
        this.checks = checks;
        this.clock = nanoClock;
        this.lossSort = new RunLossSort(workspace, io, visible);
        editorText.addListener((obs, before, now) -> {
            if (!updatingEditor) {
                typed(before, now);
            }
        });
        search.addListener((obs, a, b) -> refilter());
        missingCaptionOnly.addListener((obs, a, b) -> refilter());
        tooSmallOnly.addListener((obs, a, b) -> refilter());
        problemsOnly.addListener((obs, a, b) -> refilter());
        minSide.addListener((obs, a, b) -> {
            refilter();
            if (lastDataset != null) {
                checkCancel.set(true);
                runCheck(lastDataset, generation);
            }
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
        return visible;
    }

    /** Sorting by the per-image loss of a run of this folder (issue 16). */
    public RunLossSort lossSort() {
        return lossSort;
    }

    /** The image whose caption is in the editor. */
    public ReadOnlyObjectProperty<ImageEntry> currentProperty() {
        return current;
    }

    public ImageEntry current() {
        return current.get();
    }

    /** The selected images, in the order they were selected; batch edits apply to them. */
    public ObservableList<ImageEntry> selection() {
        return FXCollections.unmodifiableObservableList(selection);
    }

    /** The caption text in the editor; bind the text area to it. */
    public StringProperty editorTextProperty() {
        return editorText;
    }

    /** The tags of the caption in the editor, in caption order. */
    public ObservableList<String> tags() {
        return tags;
    }

    /** How many captions use each tag, most used first. */
    public ObservableList<TagCount> frequencies() {
        return frequencies;
    }

    /** Problems of the dataset that belong to no single image (metadata lines, ignored folders). */
    public ObservableList<DatasetProblem> folderProblems() {
        return folderProblems;
    }

    /** Captions changed on disk while being edited, oldest first; the view asks about the first. */
    public ObservableList<Conflict> conflicts() {
        return conflicts;
    }

    public StringProperty searchProperty() {
        return search;
    }

    public BooleanProperty missingCaptionOnlyProperty() {
        return missingCaptionOnly;
    }

    public BooleanProperty tooSmallOnlyProperty() {
        return tooSmallOnly;
    }

    public BooleanProperty problemsOnlyProperty() {
        return problemsOnly;
    }

    /** The side below which images count as too small: the training resolution. */
    public IntegerProperty minSideProperty() {
        return minSide;
    }

    public StringProperty statusProperty() {
        return status;
    }

    /** Progress of the image check, 0..1, or -1 when none is running. */
    public DoubleProperty checkProgressProperty() {
        return checkProgress;
    }

    /** Whether a folder is being scanned. */
    public BooleanProperty busyProperty() {
        return busy;
    }

    /** {@code "12 / 75 tokens"}, or empty when no tokenizer was found. */
    public StringProperty tokenTextProperty() {
        return tokenText;
    }

    public BooleanProperty overTokenLimitProperty() {
        return overTokenLimit;
    }

    public BooleanProperty canUndoProperty() {
        return canUndo;
    }

    public BooleanProperty canRedoProperty() {
        return canRedo;
    }

    /** Where error sentences go (the view shows them as notifications). */
    public void setErrorHandler(Consumer<String> handler) {
        this.errors = Objects.requireNonNull(handler);
        lossSort.onErrors(e -> handler.accept("Cannot read the run's per-image losses: " + Messages.plain(e)));
    }

    /** The tokenizer for the token count; empty hides the count. */
    public void setTokenizer(Optional<ClipTokenizer> tokenizer) {
        this.tokenizer = tokenizer.orElse(null);
        updateTokens();
    }

    // ---- folders ------------------------------------------------------------------------------------------------

    /** Lists {@code <workspace>/datasets/*} in the background. */
    public void refreshFolders() {
        Path dir = workspace.resolve("datasets");
        io.submit(() -> listFolders(dir), folders::setAll, e -> errors.accept(Messages.plain(e)));
    }

    static List<Path> listFolders(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Opens a dataset folder: saves pending edits of the open one, scans the new one in the background, selects
     * its first image, then checks every image in the background (badges appear when the check ends).
     */
    public void open(Path dir) {
        saveAll();
        int gen = ++generation;
        checkCancel.set(true);
        busy.set(true);
        status.set("Scanning " + dir.getFileName() + " …");
        Path abs = dir.toAbsolutePath().normalize();
        lossSort.datasetOpened(abs);
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
                opened(opened, gen);
            }
        }, error -> {
            busy.set(false);
            status.set("Could not open " + dir.getFileName());
            errors.accept("Cannot open " + dir + ": " + Messages.plain(error));
        });
    }

    /** Kohya's {@code 10_cat} subfolders, which the scan reads (the scanner's rule, for the quick listing). */
    private static final java.util.regex.Pattern REPEAT_FOLDER = java.util.regex.Pattern.compile("\\d{1,6}_.+");

    /**
     * The images of a folder by name only, in the scan's order: files with an image extension directly in it and
     * in {@code N_name} subfolders, names starting with '.' skipped. Reads no file; a metadata file listing images
     * elsewhere is left to the scan, which has the last word.
     */
    static List<DatasetItem> preview(Path dir) throws IOException {
        java.util.TreeMap<String, DatasetItem> out = new java.util.TreeMap<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(dir)) {
            for (Path p : top) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (REPEAT_FOLDER.matcher(name).matches() && Files.isDirectory(p)) {
                    try (DirectoryStream<Path> sub = Files.newDirectoryStream(p)) {
                        for (Path q : sub) {
                            listed(out, q, name + "/" + q.getFileName());
                        }
                    }
                } else {
                    listed(out, p, name);
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static void listed(Map<String, DatasetItem> out, Path file, String name) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".")) {
            return;
        }
        ImageFormat.fromFileName(fileName).ifPresent(format -> out.put(name,
                new DatasetItem(file, name, format, 1, Optional.empty(), Optional.empty())));
    }

    /** Shows the quick listing as placeholder entries until the scan ends (editing waits for it). */
    private void showPreview(List<DatasetItem> items) {
        List<ImageEntry> list = new ArrayList<>(items.size());
        for (DatasetItem item : items) {
            list.add(ImageEntry.placeholder(item));
        }
        selection.clear();
        current.set(null);
        anchor = null;
        entries.setAll(list);
        status.set(items.size() + " images · reading captions …");
    }

    private void opened(Opened opened, int gen) {
        store = opened.store();
        lastDataset = opened.dataset();
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
        selection.clear();
        conflicts.clear();
        current.set(null);
        anchor = null;
        if (!sameEntries(list)) {
            entries.setAll(list); // when the preview was exact, the grid keeps its cells and thumbnails
        }
        root.set(opened.store().root());
        applyProblems(opened.dataset().problems());
        refilter();
        refreshFrequencies();
        busy.set(false);
        if (!visible.isEmpty()) {
            select(visible.get(0), SelectMode.SINGLE);
        } else {
            loadEditor();
        }
        updateStatus();
        runCheck(opened.dataset(), gen);
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

    private void runCheck(Dataset dataset, int gen) {
        AtomicBoolean cancel = new AtomicBoolean();
        checkCancel = cancel;
        int resolution = minSide.get();
        checkProgress.set(0);
        int[] lastPercent = {0};
        checks.submit(() -> new DatasetChecker(resolution).check(dataset, (done, total) -> {
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
                refilter();
                updateStatus();
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

    /**
     * Called by the view on scrolling and key presses: the check, which decodes every image, then waits between
     * two images, so that on a two-core machine the grid and the thumbnail workers get the CPU while the user
     * is moving through the images.
     */
    public void noteUserActivity() {
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

    // ---- filters ------------------------------------------------------------------------------------------------

    /** Re-applies the filters. Captions edited since are not re-filtered live, so an image never vanishes while
     * its caption is being typed. */
    public void refilter() {
        boolean missing = missingCaptionOnly.get();
        boolean small = tooSmallOnly.get();
        boolean withProblems = problemsOnly.get();
        int side = minSide.get();
        Predicate<ImageEntry> text = searchPredicate(search.get());
        filtered.setPredicate(e -> (!missing || e.missingCaption()) && (!small || e.tooSmall(side))
                && (!withProblems || !e.problems().isEmpty()) && text.test(e));
        updateStatus();
    }

    /**
     * {@code tag:neon lights} matches captions having exactly that tag (ignoring case); other text matches a part
     * of the file name or of the caption.
     */
    static Predicate<ImageEntry> searchPredicate(String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return e -> true;
        }
        if (q.startsWith("tag:")) {
            String tag = q.substring(4).strip();
            return e -> Tags.split(e.caption()).stream().anyMatch(t -> t.equalsIgnoreCase(tag));
        }
        return e -> e.name().toLowerCase(Locale.ROOT).contains(q) || e.caption().toLowerCase(Locale.ROOT).contains(q);
    }

    // ---- selection ----------------------------------------------------------------------------------------------

    /** Changes the selection as a click would; the clicked image goes into the editor. */
    public void select(ImageEntry entry, SelectMode mode) {
        if (entry == null || !entry.isLoaded()) {
            return; // a placeholder of the quick listing: its caption is not read yet
        }
        switch (mode) {
            case SINGLE -> {
                setSelection(List.of(entry));
                anchor = entry;
            }
            case TOGGLE -> {
                List<ImageEntry> next = new ArrayList<>(selection);
                if (!next.remove(entry)) {
                    next.add(entry);
                }
                setSelection(next);
                anchor = entry;
            }
            case RANGE -> {
                int from = anchor == null ? -1 : visible.indexOf(anchor);
                int to = visible.indexOf(entry);
                if (from < 0 || to < 0) {
                    setSelection(List.of(entry));
                    anchor = entry;
                } else {
                    setSelection(new ArrayList<>(visible.subList(Math.min(from, to), Math.max(from, to) + 1)));
                }
            }
        }
        setCurrent(entry);
    }

    /** Selects every visible image (Ctrl+A); the editor keeps its caption. */
    public void selectAllVisible() {
        if (busy.get()) {
            return;
        }
        setSelection(new ArrayList<>(visible));
    }

    /** Moves the editor to the image {@code delta} places away in the grid (arrows: ±1, ±columns). */
    public void move(int delta) {
        if (visible.isEmpty()) {
            return;
        }
        int index = current.get() == null ? -1 : visible.indexOf(current.get());
        int next = index < 0 ? 0 : Math.max(0, Math.min(visible.size() - 1, index + delta));
        if (next != index) {
            select(visible.get(next), SelectMode.SINGLE);
        }
    }

    private void setSelection(List<ImageEntry> next) {
        for (ImageEntry e : selection) {
            e.setSelected(false);
        }
        selection.setAll(next);
        for (ImageEntry e : selection) {
            e.setSelected(true);
        }
        updateStatus();
    }

    private void setCurrent(ImageEntry entry) {
        ImageEntry previous = current.get();
        if (previous == entry) {
            return;
        }
        if (previous != null) {
            previous.history().breakGroup();
            if (previous.isDirty()) {
                save(List.of(previous));
            }
        }
        current.set(entry);
        loadEditor();
        if (entry != null) {
            refreshFromDisk(entry);
        }
    }

    /**
     * Re-reads a caption when it comes into the editor: an unedited caption silently takes what is on disk; an
     * edited one whose file changed becomes a conflict.
     */
    private void refreshFromDisk(ImageEntry entry) {
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
                if (entry == current.get()) {
                    loadEditor();
                }
                refreshFrequencies();
            }
        }, error -> errors.accept(Messages.plain(error)));
    }

    // ---- editing ------------------------------------------------------------------------------------------------

    private void typed(String before, String now) {
        ImageEntry e = current.get();
        if (e == null) {
            return;
        }
        e.history().record(before, true, clock.getAsLong());
        e.setCaption(now);
        afterEdit(false);
    }

    /** Replaces the caption in the editor as one undo step (tag operations). */
    private void edit(String text) {
        ImageEntry e = current.get();
        if (e == null || e.caption().equals(text)) {
            return;
        }
        e.history().record(e.caption(), false, clock.getAsLong());
        e.setCaption(text);
        loadEditor();
    }

    /** Appends a tag to the caption in the editor (nothing when it is already there). */
    public void addTag(String tag) {
        ImageEntry e = current.get();
        if (e != null) {
            edit(new TagEdit.Add(tag).apply(e.caption()));
            refreshFrequencies();
        }
    }

    /** Removes the tag at {@code index} of {@link #tags()}. */
    public void removeTag(int index) {
        List<String> list = new ArrayList<>(tags);
        if (index >= 0 && index < list.size()) {
            list.remove(index);
            edit(Tags.join(list));
            refreshFrequencies();
        }
    }

    /** Moves the tag at {@code from} to position {@code to} (drag and drop, or the move buttons). */
    public void moveTag(int from, int to) {
        List<String> list = new ArrayList<>(tags);
        if (from < 0 || from >= list.size() || to < 0 || to >= list.size() || from == to) {
            return;
        }
        list.add(to, list.remove(from));
        edit(Tags.join(list));
    }

    /**
     * Applies a tag edit to every selected caption (or the one in the editor when nothing else is selected), each
     * as an undo step of its own caption, and saves the changed ones.
     *
     * @return how many captions changed
     */
    public int batch(TagEdit edit) {
        List<ImageEntry> targets = new ArrayList<>(selection);
        if (targets.isEmpty() && current.get() != null) {
            targets.add(current.get());
        }
        Map<ImageEntry, String> captions = new LinkedHashMap<>();
        for (ImageEntry e : targets) {
            captions.put(e, e.caption());
        }
        Map<ImageEntry, String> changed = TagEdit.applyAll(edit, captions);
        long now = clock.getAsLong();
        changed.forEach((e, text) -> {
            e.history().record(e.caption(), false, now);
            e.setCaption(text);
        });
        if (changed.containsKey(current.get())) {
            loadEditor();
        }
        save(new ArrayList<>(changed.keySet()));
        refreshFrequencies();
        updateStatus();
        return changed.size();
    }

    /** Ctrl+Z on the caption in the editor. */
    public void undo() {
        ImageEntry e = current.get();
        if (e != null) {
            e.history().undo(e.caption()).ifPresent(text -> {
                e.setCaption(text);
                loadEditor();
            });
        }
    }

    /** Ctrl+Y on the caption in the editor. */
    public void redo() {
        ImageEntry e = current.get();
        if (e != null) {
            e.history().redo(e.caption()).ifPresent(text -> {
                e.setCaption(text);
                loadEditor();
            });
        }
    }

    /** Tags of the dataset containing {@code typed} (ignoring case), most used first, without the caption's own. */
    public List<String> suggest(String typed) {
        String q = typed == null ? "" : typed.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return List.of();
        }
        List<String> own = List.copyOf(tags);
        return frequencies.stream().map(TagCount::tag)
                .filter(t -> t.toLowerCase(Locale.ROOT).contains(q) && !own.contains(t))
                .limit(MAX_SUGGESTIONS).toList();
    }

    /** Recounts tag use over every caption as edited (after saves and tag operations, not per keystroke). */
    public void refreshFrequencies() {
        List<String> captions = new ArrayList<>(entries.size());
        for (ImageEntry e : entries) {
            captions.add(e.caption());
        }
        frequencies.setAll(Tags.frequencies(captions));
    }

    private void loadEditor() {
        ImageEntry e = current.get();
        updatingEditor = true;
        try {
            editorText.set(e == null ? "" : e.caption());
        } finally {
            updatingEditor = false;
        }
        afterEdit(true);
    }

    private void afterEdit(boolean tagsToo) {
        ImageEntry e = current.get();
        List<String> now = e == null ? List.of() : Tags.split(e.caption());
        if (tagsToo || !now.equals(tags)) {
            tags.setAll(now);
        }
        updateStatus();
        canUndo.set(e != null && e.history().canUndo());
        canRedo.set(e != null && e.history().canRedo());
        updateTokens();
    }

    private void updateTokens() {
        ImageEntry e = current.get();
        if (tokenizer == null || e == null) {
            tokenText.set("");
            overTokenLimit.set(false);
            return;
        }
        int n = tokenizer.countTokens(e.caption());
        tokenText.set(n + " / " + ClipTokenizer.MAX_CONTENT_TOKENS + " tokens");
        overTokenLimit.set(n > ClipTokenizer.MAX_CONTENT_TOKENS);
    }

    // ---- saving -------------------------------------------------------------------------------------------------

    /** Ctrl+S: saves the caption in the editor. */
    public Future<List<SaveOutcome>> save() {
        ImageEntry e = current.get();
        if (e != null) {
            e.history().breakGroup();
        }
        return e == null ? CompletableFuture.completedFuture(List.of()) : save(List.of(e));
    }

    /** Saves every edited caption (timer, folder change). */
    public Future<List<SaveOutcome>> saveAll() {
        return save(entries.stream().filter(ImageEntry::isDirty).toList());
    }

    /** The number of edited captions not yet on disk (conflicts included). */
    public long unsavedCount() {
        return entries.stream().filter(ImageEntry::isDirty).count();
    }

    /**
     * On close: saves every edited caption and waits up to {@code millis} for the writes (small files, on the io
     * thread; the wait is bounded so that a hung disk cannot hang the window).
     *
     * @return the number of captions still unsaved: conflicts, failures, or writes that did not finish in time
     */
    public long saveAllAndWait(long millis) {
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

    private Future<List<SaveOutcome>> save(List<ImageEntry> list) {
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
            } else if (o instanceof ChangedOnDisk changed) {
                markConflict(changed.entry(), changed.diskText());
            } else if (o instanceof Failed failed) {
                failures.add(failed.entry().name() + ": " + failed.message());
            }
        }
        if (!failures.isEmpty()) {
            errors.accept("Could not save " + failures.size() + " caption(s). " + failures.get(0));
        }
        updateStatus();
    }

    private void markConflict(ImageEntry entry, String diskText) {
        if (entry.hasConflict()) {
            return;
        }
        entry.setConflict(true);
        conflicts.add(new Conflict(entry, diskText));
    }

    /**
     * Resolves a conflict by taking the file's caption; the edited text stays one undo step away.
     */
    public void reload(Conflict conflict) {
        ImageEntry e = conflict.entry();
        conflicts.remove(conflict);
        e.setConflict(false);
        e.history().record(e.caption(), false, clock.getAsLong());
        e.setDiskText(conflict.diskText());
        e.setCaption(conflict.diskText() == null ? "" : conflict.diskText());
        if (e == current.get()) {
            loadEditor();
        }
        refreshFrequencies();
        updateStatus();
    }

    /** Resolves a conflict by writing the edited caption over the file's (if the file has not changed again). */
    public Future<List<SaveOutcome>> overwrite(Conflict conflict) {
        ImageEntry e = conflict.entry();
        conflicts.remove(conflict);
        e.setConflict(false);
        e.setDiskText(conflict.diskText());
        return save(List.of(e));
    }

    private void updateStatus() {
        if (root.get() == null) {
            return;
        }
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
        checkCancel.set(true);
    }
}
