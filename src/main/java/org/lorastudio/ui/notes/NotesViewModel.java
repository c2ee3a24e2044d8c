package org.lorastudio.ui.notes;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.notes.NotesFile;
import org.lorastudio.run.NotesTemplate;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.ui.runs.RunRow;
import org.lorastudio.ui.runs.RunsViewModel;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notes editor's state: the run being edited (the studio's run in focus), the Markdown text, the rendered
 * preview, and saving. An edit is never lost: it is saved {@code autosaveMs} after typing stops, when another run
 * is picked, and on close, each time atomically. If {@code notes.md} was changed by someone else since it was
 * loaded (the trainer writes the results into it when a run ends), the other version is kept next to it as
 * {@code notes.conflict-<time>.md} before the editor's text is written.
 *
 * <p>Threads: reads and writes run on {@code io} (one thread, so a save always lands before the next load);
 * property changes happen on {@code fx}.
 */
public final class NotesViewModel {
    private static final Logger LOG = LoggerFactory.getLogger(NotesViewModel.class);

    private final Path runsDir;
    private final ObjectProperty<Path> run;
    private final Executor io;
    private final Executor fx;
    private final MarkdownRenderer renderer = new MarkdownRenderer();
    private final NotesTemplate template = NotesTemplate.standard();
    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    private final StringProperty text = new SimpleStringProperty("");
    private final StringProperty html = new SimpleStringProperty("");
    private final StringProperty status = new SimpleStringProperty("");
    private final BooleanProperty dirty = new SimpleBooleanProperty();
    private final BooleanProperty editable = new SimpleBooleanProperty();
    private final ObservableList<NotesSections.Section> sections = FXCollections.observableArrayList();
    private final Debouncer autosave;
    private final Debouncer preview;
    /** The run whose text is in the editor (the property may already name the next one). */
    private Path loadedDir;
    /** What {@code notes.md} held when loaded or last saved: a different file on disk means someone else wrote. */
    private String diskText;
    private boolean loading;

    /**
     * @param run the studio's run in focus; the editor follows it
     * @param timer runs the debounce timers
     */
    public NotesViewModel(Path runsDir, ObjectProperty<Path> run, Executor io, Executor fx,
                          ScheduledExecutorService timer, long autosaveMs, long previewMs) {
        this.runsDir = runsDir;
        this.run = run;
        this.io = io;
        this.fx = fx;
        this.autosave = new Debouncer(timer, autosaveMs, () -> fx.execute(this::save));
        this.preview = new Debouncer(timer, previewMs, () -> fx.execute(this::renderPreview));
        text.addListener((o, a, b) -> {
            if (!loading) {
                dirty.set(true);
                status.set("Unsaved changes");
                autosave.trigger();
                preview.trigger();
            }
        });
        run.addListener((o, previous, next) -> switchTo(next));
    }

    public ObservableList<RunRow> runs() {
        return runs;
    }

    public ObjectProperty<Path> runProperty() {
        return run;
    }

    /** The Markdown in the editor. */
    public StringProperty textProperty() {
        return text;
    }

    /** The preview page (sanitised HTML). */
    public StringProperty htmlProperty() {
        return html;
    }

    public StringProperty statusProperty() {
        return status;
    }

    public BooleanProperty dirtyProperty() {
        return dirty;
    }

    /** False while no run is open. */
    public BooleanProperty editableProperty() {
        return editable;
    }

    /** The template's sections and whether each is filled in. */
    public ObservableList<NotesSections.Section> sections() {
        return sections;
    }

    /** Rereads the run list in the background; with no run in focus yet, opens the newest. */
    public CompletableFuture<Void> refreshRuns() {
        return CompletableFuture.supplyAsync(() -> RunsViewModel.load(runsDir, java.time.Instant.now()), io)
                .handleAsync((rows, error) -> {
                    if (error != null) {
                        status.set(error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
                        return null;
                    }
                    runs.setAll(rows.stream().filter(RunRow::readable).toList());
                    if (run.get() == null && !runs.isEmpty()) {
                        run.set(runs.get(0).dir());
                    } else if (run.get() != null && loadedDir == null) {
                        switchTo(run.get());
                    }
                    return null;
                }, fx);
    }

    /** Saves the current run's notes, then loads {@code next}'s. */
    private void switchTo(Path next) {
        if (loadedDir != null && loadedDir.equals(next)) {
            return;
        }
        save();
        load(next);
    }

    private void load(Path dir) {
        loadedDir = null;
        editable.set(false);
        if (dir == null) {
            setTextQuietly("");
            diskText = null;
            status.set("No run selected");
            renderPreview();
            return;
        }
        CompletableFuture.supplyAsync(() -> RunFolder.open(dir).notesText(), io).handleAsync((notes, error) -> {
            if (!dir.equals(run.get())) {
                return null; // the user moved on while it loaded
            }
            if (error != null) {
                status.set(error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
                setTextQuietly("");
                renderPreview();
                return null;
            }
            loadedDir = dir;
            diskText = notes;
            setTextQuietly(notes);
            editable.set(true);
            status.set(notes.isEmpty() ? "notes.md is empty — insert the template to start" : "Opened "
                    + dir.getFileName() + "/notes.md");
            renderPreview();
            return null;
        }, fx);
    }

    private void setTextQuietly(String value) {
        loading = true;
        try {
            text.set(value);
            dirty.set(false);
        } finally {
            loading = false;
        }
    }

    /** Saves now, in the background, if there are unsaved edits. */
    public CompletableFuture<Void> save() {
        autosave.cancel();
        if (!dirty.get() || loadedDir == null) {
            return CompletableFuture.completedFuture(null);
        }
        String snapshot = text.get();
        Path dir = loadedDir;
        String expected = diskText;
        return CompletableFuture.supplyAsync(() -> write(dir, snapshot, expected), io)
                .handleAsync((conflict, error) -> {
                    if (error != null) {
                        Throwable e = error.getCause() != null ? error.getCause() : error;
                        LOG.warn("saving notes of {} failed", dir, e);
                        status.set("Could not save notes: " + e.getMessage() + " — your text is still here");
                        return null;
                    }
                    if (dir.equals(loadedDir)) {
                        diskText = snapshot;
                        if (snapshot.equals(text.get())) {
                            dirty.set(false);
                        }
                    }
                    status.set("Saved " + LocalTime.now().withNano(0)
                            + (conflict == null ? "" : " — notes.md had changed on disk; that version is kept as "
                            + conflict.getFileName()));
                    return null;
                }, fx);
    }

    /**
     * Saves on the calling thread (window closing: nothing may be left in flight). Returns false if it failed.
     */
    public boolean saveNow() {
        autosave.cancel();
        if (!dirty.get() || loadedDir == null) {
            return true;
        }
        try {
            write(loadedDir, text.get(), diskText);
            diskText = text.get();
            dirty.set(false);
            return true;
        } catch (RuntimeException e) {
            LOG.warn("saving notes of {} on close failed", loadedDir, e);
            status.set("Could not save notes: " + e.getMessage());
            return false;
        }
    }

    /** Writes {@code notes.md}; returns the backup made when the file changed on disk since {@code expected}. */
    static Path write(Path dir, String notes, String expected) {
        return NotesFile.save(dir, notes, expected).orElse(null);
    }

    /** Renders the preview now (the editor debounces calls to this while typing). */
    public void renderPreview() {
        String md = text.get();
        html.set(renderer.page(md, loadedDir));
        sections.setAll(NotesSections.analyze(md, template));
    }

    /** Fills an empty editor with the template for the current run. */
    public void insertTemplate() {
        Path dir = loadedDir;
        if (dir == null || !text.get().isBlank()) {
            return;
        }
        String name = dir.getFileName().toString();
        String date = LocalDate.now().toString();
        try {
            RunRecord r = RunFolder.open(dir).record();
            name = r.name();
            if (r.created() != null) {
                date = LocalDate.ofInstant(r.created(), ZoneOffset.UTC).toString();
            }
        } catch (UserException e) {
            // the template still helps without the record
        }
        text.set(template.render(name, dir.getFileName().toString(), LocalDate.parse(date)));
        renderPreview();
    }
}
