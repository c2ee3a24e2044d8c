package org.lorastudio.dataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

import org.lorastudio.util.UserException;

/**
 * A batch tag edit the caption editor applies to a selection of captions. Each edit is a pure function on one
 * caption; a caption the edit does not change is returned as the very same string, so callers write back only
 * what changed ({@link #applyAll}) and untouched captions keep their exact spacing. A changed caption is rejoined
 * with {@code ", "}. Tags match exactly (case-sensitive, after trimming).
 */
public sealed interface TagEdit extends UnaryOperator<String> {

    /** Appends {@code tag} to captions that do not have it. */
    record Add(String tag) implements TagEdit {
        public Add {
            tag = checkTag(tag);
        }

        @Override
        public String apply(String caption) {
            List<String> tags = Tags.split(caption);
            if (tags.contains(tag)) {
                return caption;
            }
            tags.add(tag);
            return Tags.join(tags);
        }
    }

    /** Removes every occurrence of {@code tag}. */
    record Remove(String tag) implements TagEdit {
        public Remove {
            tag = checkTag(tag);
        }

        @Override
        public String apply(String caption) {
            List<String> tags = Tags.split(caption);
            return tags.removeIf(tag::equals) ? Tags.join(tags) : caption;
        }
    }

    /** Renames {@code from} to {@code to}; if the caption already has {@code to}, the tag is not doubled. */
    record Replace(String from, String to) implements TagEdit {
        public Replace {
            from = checkTag(from);
            to = checkTag(to);
        }

        @Override
        public String apply(String caption) {
            List<String> tags = Tags.split(caption);
            if (!tags.contains(from) || from.equals(to)) {
                return caption;
            }
            List<String> out = new ArrayList<>();
            for (String t : tags) {
                String mapped = t.equals(from) ? to : t;
                if (!mapped.equals(to) || !out.contains(to)) {
                    out.add(mapped);
                }
            }
            return Tags.join(out);
        }
    }

    /**
     * Puts a trigger word first (moving it there if it is elsewhere), as kohya's {@code keep_tokens = 1} expects.
     */
    record PrependTrigger(String trigger) implements TagEdit {
        public PrependTrigger {
            trigger = checkTag(trigger);
        }

        @Override
        public String apply(String caption) {
            List<String> tags = Tags.split(caption);
            if (!tags.isEmpty() && tags.get(0).equals(trigger) && tags.lastIndexOf(trigger) == 0) {
                return caption;
            }
            tags.removeIf(trigger::equals);
            tags.add(0, trigger);
            return Tags.join(tags);
        }
    }

    /**
     * Applies an edit to many captions (keyed by image, for example) and returns only those it changed, in the
     * input's iteration order.
     */
    static <K> Map<K, String> applyAll(TagEdit edit, Map<K, String> captions) {
        Map<K, String> changed = new LinkedHashMap<>();
        captions.forEach((key, caption) -> {
            String edited = edit.apply(caption);
            if (!edited.equals(caption)) {
                changed.put(key, edited);
            }
        });
        return changed;
    }

    /** A tag as typed by the user: trimmed, not empty, without commas (which would split it into two). */
    private static String checkTag(String tag) {
        Objects.requireNonNull(tag, "tag");
        String t = tag.strip();
        if (t.isEmpty()) {
            throw new UserException("a tag cannot be empty");
        }
        if (t.indexOf(',') >= 0) {
            throw new UserException("a tag cannot contain a comma ('" + t + "'); commas separate tags");
        }
        return t;
    }
}
