package org.lorastudio.ui.datasets;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.ImageSize;
import org.lorastudio.dataset.Severity;

/**
 * One image of the open dataset as the editor sees it: the scanned item, the caption being edited, what is on
 * disk, and its check problems. Changed on the FX thread only (or the test thread).
 */
public final class ImageEntry {
    private DatasetItem item;
    /** False for a placeholder from the quick listing, until the scan brings its caption and size. */
    private boolean loaded;
    private final StringProperty caption;
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final BooleanProperty conflict = new SimpleBooleanProperty(false);
    private final BooleanProperty selected = new SimpleBooleanProperty(false);
    private final ObjectProperty<List<DatasetProblem>> problems = new SimpleObjectProperty<>(List.of());
    private final CaptionHistory history = new CaptionHistory();
    /** The caption as last read from or written to disk; {@code null} when the image has none. */
    private String diskText;
    /** Saves queued on the io thread and the text the last of them writes. */
    private int savesInFlight;
    private String pendingText;

    ImageEntry(DatasetItem item) {
        this(item, true);
    }

    private ImageEntry(DatasetItem item, boolean loaded) {
        this.item = item;
        this.loaded = loaded;
        this.diskText = item.caption().orElse(null);
        this.caption = new SimpleStringProperty(item.captionOrEmpty());
    }

    /**
     * A placeholder for an image the quick listing found: the grid can show its cell and thumbnail at once, while
     * the scan still reads captions and sizes. It is never edited (the editor is disabled until the scan ends) and
     * reports no missing caption, so no badge flashes before {@link #fill} brings the real values.
     */
    static ImageEntry placeholder(DatasetItem listed) {
        return new ImageEntry(listed, false);
    }

    /** Whether the scan has filled this entry in. */
    boolean isLoaded() {
        return loaded;
    }

    /** Fills a placeholder in with the scanned item of the same image. */
    void fill(DatasetItem scanned) {
        if (loaded || !scanned.image().equals(item.image())) {
            throw new IllegalStateException("fill() is for placeholders of the same image: " + scanned.name());
        }
        item = scanned;
        loaded = true;
        diskText = scanned.caption().orElse(null);
        caption.set(scanned.captionOrEmpty());
        updateDirty();
    }

    public Path image() {
        return item.image();
    }

    /** The name relative to the dataset folder ({@code 10_cat/a.png}). */
    public String name() {
        return item.name();
    }

    public Optional<ImageSize> size() {
        return item.size();
    }

    public String caption() {
        return caption.get();
    }

    public ReadOnlyStringProperty captionProperty() {
        return caption;
    }

    void setCaption(String text) {
        caption.set(text);
        updateDirty();
    }

    String diskText() {
        return diskText;
    }

    void setDiskText(String text) {
        diskText = text;
        updateDirty();
    }

    /** What the file will hold once the queued saves are done: the base a new save compares the disk with. */
    String expectedOnDisk() {
        return savesInFlight > 0 ? pendingText : diskText;
    }

    /** Whether the caption differs from what is on disk or about to be written. */
    boolean needsSave() {
        String expected = expectedOnDisk();
        return !caption.get().equals(expected == null ? "" : expected);
    }

    void saveQueued(String text) {
        savesInFlight++;
        pendingText = text;
    }

    void saveDone() {
        savesInFlight = Math.max(0, savesInFlight - 1);
        if (savesInFlight == 0) {
            pendingText = null;
        }
    }

    /** Whether the caption differs from the file. */
    public boolean isDirty() {
        return dirty.get();
    }

    public ReadOnlyBooleanProperty dirtyProperty() {
        return dirty;
    }

    /** Whether the caption file changed on disk since it was read while this caption has unsaved edits. */
    public boolean hasConflict() {
        return conflict.get();
    }

    public ReadOnlyBooleanProperty conflictProperty() {
        return conflict;
    }

    void setConflict(boolean value) {
        conflict.set(value);
    }

    public boolean isSelected() {
        return selected.get();
    }

    public ReadOnlyBooleanProperty selectedProperty() {
        return selected;
    }

    void setSelected(boolean value) {
        selected.set(value);
    }

    /** Check problems of this image and its caption file. */
    public List<DatasetProblem> problems() {
        return problems.get();
    }

    public ObjectProperty<List<DatasetProblem>> problemsProperty() {
        return problems;
    }

    public boolean hasErrors() {
        return problems().stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /** Whether the caption is missing or blank (shown live, not from the last check). */
    public boolean missingCaption() {
        return loaded && caption().isBlank();
    }

    /** Whether a side is below {@code minSide}; an unreadable size counts as not small (it is an error instead). */
    public boolean tooSmall(int minSide) {
        return item.size().map(s -> s.width() < minSide || s.height() < minSide).orElse(false);
    }

    CaptionHistory history() {
        return history;
    }

    private void updateDirty() {
        dirty.set(!Objects.equals(caption.get(), diskText == null ? "" : diskText));
    }

    @Override
    public String toString() {
        return item.name();
    }
}
