package org.lorastudio.ui.datasets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.TagEdit;
import org.lorastudio.dataset.Tags;
import org.lorastudio.model.clip.ClipTokenizer;

/**
 * The caption in the Datasets screen's editor, for {@link DatasetsViewModel}: which image it belongs to, its
 * text and tags, tag operations, per-caption undo/redo (typing groups into one step, a tag operation is a step of
 * its own), the token count, and the dataset's tag frequency table with autocompletion from it. Saving is not
 * done here; the view model saves what this changed.
 */
final class CaptionEditor {
    /** Most tags offered by autocompletion. */
    static final int MAX_SUGGESTIONS = 15;

    private final ObservableList<ImageEntry> entries;
    private final LongSupplier clock;
    private final Runnable changed;

    // What the view model's properties of the same names hand out (documented there).
    final ObjectProperty<ImageEntry> current = new SimpleObjectProperty<>();
    final StringProperty editorText = new SimpleStringProperty("");
    final ObservableList<String> tags = FXCollections.observableArrayList();
    final ObservableList<TagCount> frequencies = FXCollections.observableArrayList();
    final StringProperty tokenText = new SimpleStringProperty("");
    final BooleanProperty overTokenLimit = new SimpleBooleanProperty(false);
    final BooleanProperty canUndo = new SimpleBooleanProperty(false);
    final BooleanProperty canRedo = new SimpleBooleanProperty(false);

    private ClipTokenizer tokenizer;
    /** Set while the editor text is replaced from the caption, so that it is not recorded as typing. */
    private boolean updatingEditor;

    /**
     * @param entries every image of the open dataset (for the tag frequencies)
     * @param clock   nanoseconds, for grouping keystrokes into undo steps
     * @param changed told after each edit (the status line counts unsaved captions)
     */
    CaptionEditor(ObservableList<ImageEntry> entries, LongSupplier clock, Runnable changed) {
        this.entries = entries;
        this.clock = clock;
        this.changed = changed;
        editorText.addListener((obs, before, now) -> {
            if (!updatingEditor) {
                typed(before, now);
            }
        });
    }

    void setTokenizer(Optional<ClipTokenizer> tokenizer) {
        this.tokenizer = tokenizer.orElse(null);
        updateTokens();
    }

    /** Puts {@code entry}'s caption (or nothing, for null) into the editor. */
    void show(ImageEntry entry) {
        current.set(entry);
        loadEditor();
    }

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

    void addTag(String tag) {
        ImageEntry e = current.get();
        if (e != null) {
            edit(new TagEdit.Add(tag).apply(e.caption()));
            refreshFrequencies();
        }
    }

    void removeTag(int index) {
        List<String> list = new ArrayList<>(tags);
        if (index >= 0 && index < list.size()) {
            list.remove(index);
            edit(Tags.join(list));
            refreshFrequencies();
        }
    }

    void moveTag(int from, int to) {
        List<String> list = new ArrayList<>(tags);
        if (from < 0 || from >= list.size() || to < 0 || to >= list.size() || from == to) {
            return;
        }
        list.add(to, list.remove(from));
        edit(Tags.join(list));
    }

    /**
     * Applies a tag edit to each of {@code targets}, each as an undo step of its own caption.
     *
     * @return the captions that changed, in the order of {@code targets}
     */
    Set<ImageEntry> applyToAll(TagEdit edit, List<ImageEntry> targets) {
        Map<ImageEntry, String> captions = new LinkedHashMap<>();
        for (ImageEntry e : targets) {
            captions.put(e, e.caption());
        }
        Map<ImageEntry, String> changedCaptions = TagEdit.applyAll(edit, captions);
        long now = clock.getAsLong();
        changedCaptions.forEach((e, text) -> {
            e.history().record(e.caption(), false, now);
            e.setCaption(text);
        });
        if (changedCaptions.containsKey(current.get())) {
            loadEditor();
        }
        return changedCaptions.keySet();
    }

    void undo() {
        replay(true);
    }

    void redo() {
        replay(false);
    }

    /** One step back ({@code undo}) or forward in the current caption's history. */
    private void replay(boolean undo) {
        ImageEntry e = current.get();
        if (e != null) {
            CaptionHistory h = e.history();
            (undo ? h.undo(e.caption()) : h.redo(e.caption())).ifPresent(text -> {
                e.setCaption(text);
                loadEditor();
            });
        }
    }

    List<String> suggest(String typed) {
        String q = typed == null ? "" : typed.strip().toLowerCase(Locale.ROOT);
        if (q.isEmpty()) {
            return List.of();
        }
        List<String> own = List.copyOf(tags);
        return frequencies.stream().map(TagCount::tag)
                .filter(t -> t.toLowerCase(Locale.ROOT).contains(q) && !own.contains(t))
                .limit(MAX_SUGGESTIONS).toList();
    }

    void refreshFrequencies() {
        List<String> captions = new ArrayList<>(entries.size());
        for (ImageEntry e : entries) {
            captions.add(e.caption());
        }
        frequencies.setAll(Tags.frequencies(captions));
    }

    /** Shows the current caption again after it was changed other than by typing. */
    void loadEditor() {
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
        changed.run();
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
}
