package org.lorastudio.ui.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Predicate;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import org.lorastudio.dataset.DatasetChecker;
import org.lorastudio.dataset.Tags;

/**
 * The Datasets screen's image grid, for {@link DatasetsViewModel}: the filters (search text, missing caption, too
 * small, with problems), the visible images in the grid's order, and the multi-selection with its click rules.
 * Which image is in the editor is not kept here: a click hands the clicked image to {@code focus}.
 */
final class ImageGrid {
    private final FilteredList<ImageEntry> filtered;
    /** The images that pass the filters, in the grid's order. */
    final SortedList<ImageEntry> visible;
    /** The selected images, in the order they were selected (the view model hands out a read-only view). */
    final ObservableList<ImageEntry> selection = FXCollections.observableArrayList();
    private final ReadOnlyObjectProperty<ImageEntry> current;
    private final Consumer<ImageEntry> focus;
    private final Runnable changed;

    // The filters; a change of any but minSide refilters (the view model also rechecks on minSide).
    final StringProperty search = new SimpleStringProperty("");
    final BooleanProperty missingCaptionOnly = new SimpleBooleanProperty(false);
    final BooleanProperty tooSmallOnly = new SimpleBooleanProperty(false);
    final BooleanProperty problemsOnly = new SimpleBooleanProperty(false);
    final IntegerProperty minSide = new SimpleIntegerProperty(DatasetChecker.DEFAULT_RESOLUTION);

    /** Where a Shift+click range starts: the last image clicked without Shift. */
    private ImageEntry anchor;

    /**
     * @param entries every image of the open dataset
     * @param current the image in the editor (arrow keys move from it)
     * @param focus   puts a clicked image into the editor
     * @param changed told after the filters or the selection changed (the status line)
     */
    ImageGrid(ObservableList<ImageEntry> entries, ReadOnlyObjectProperty<ImageEntry> current,
              Consumer<ImageEntry> focus, Runnable changed) {
        this.filtered = new FilteredList<>(entries, e -> true);
        this.visible = new SortedList<>(filtered);
        this.current = current;
        this.focus = focus;
        this.changed = changed;
        search.addListener((obs, a, b) -> refilter());
        missingCaptionOnly.addListener((obs, a, b) -> refilter());
        tooSmallOnly.addListener((obs, a, b) -> refilter());
        problemsOnly.addListener((obs, a, b) -> refilter());
    }

    /** Forgets the selection and the range anchor (another folder's images arrive). */
    void clearSelection() {
        selection.clear();
        anchor = null;
    }

    /** Re-applies the filters. Captions edited since are not re-filtered live, so an image never vanishes while
     * its caption is being typed. */
    void refilter() {
        boolean missing = missingCaptionOnly.get();
        boolean small = tooSmallOnly.get();
        boolean withProblems = problemsOnly.get();
        int side = minSide.get();
        Predicate<ImageEntry> text = searchPredicate(search.get());
        filtered.setPredicate(e -> (!missing || e.missingCaption()) && (!small || e.tooSmall(side))
                && (!withProblems || !e.problems().isEmpty()) && text.test(e));
        changed.run();
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

    /** Changes the selection as a click would; the clicked image goes to {@code focus}. */
    void select(ImageEntry entry, DatasetsViewModel.SelectMode mode) {
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
        focus.accept(entry);
    }

    /** Selects every visible image; the editor keeps its caption. */
    void selectAllVisible() {
        setSelection(new ArrayList<>(visible));
    }

    /** Moves the editor to the image {@code delta} places away in the grid (arrows: ±1, ±columns). */
    void move(int delta) {
        if (visible.isEmpty()) {
            return;
        }
        int index = current.get() == null ? -1 : visible.indexOf(current.get());
        int next = index < 0 ? 0 : Math.max(0, Math.min(visible.size() - 1, index + delta));
        if (next != index) {
            select(visible.get(next), DatasetsViewModel.SelectMode.SINGLE);
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
        changed.run();
    }
}
