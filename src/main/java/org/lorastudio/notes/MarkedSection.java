package org.lorastudio.notes;

import java.util.Objects;
import java.util.Optional;

/**
 * A block of generated Markdown inside a user's notes, between two HTML comments ({@code <!-- results:begin ... -->}
 * and {@code <!-- results:end -->}). HTML comments are invisible when the Markdown is rendered (GitHub, the studio)
 * and survive every editor, so the studio can regenerate its block any number of times while every byte the user
 * wrote outside the markers stays as it was. Pure functions over strings.
 *
 * @param id the marker name, e.g. {@code results}
 * @param heading the level-2 heading the block belongs under, e.g. {@code ## Results}
 */
public record MarkedSection(String id, String heading) {
    /** Data facts filled from the scanned data set. */
    public static final MarkedSection DATA = new MarkedSection("data", "## Data");
    /** The config diff against the parent run. */
    public static final MarkedSection CONFIG_CHANGES = new MarkedSection("config-changes", "## Config changes");
    /** The outcome, written when a run ends. */
    public static final MarkedSection RESULTS = new MarkedSection("results", "## Results");

    public MarkedSection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(heading, "heading");
        if (!id.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("marker id must be lower-case letters, digits and '-', found " + id);
        }
    }

    /** The start of the begin marker; what follows up to {@code -->} is a comment for people. */
    String beginPrefix() {
        return "<!-- " + id + ":begin";
    }

    String endMarker() {
        return "<!-- " + id + ":end -->";
    }

    /** {@code content} between the markers, ending with a newline. */
    public String wrap(String content) {
        String body = content.endsWith("\n") || content.isEmpty() ? content : content + "\n";
        return beginPrefix() + " (written by LoRA Studio; edit outside the markers, text inside is replaced) -->\n"
                + body + endMarker() + "\n";
    }

    /** The text between the markers, if the notes have the block. */
    public Optional<String> contentIn(String notes) {
        int begin = notes.indexOf(beginPrefix());
        if (begin < 0) {
            return Optional.empty();
        }
        int from = lineEnd(notes, begin);
        int end = notes.indexOf(endMarker(), from);
        return Optional.of(notes.substring(from, end < 0 ? blockEnd(notes, from) : end));
    }

    /**
     * {@code notes} with this block holding {@code content}: replacing the text between existing markers (the rest
     * of the notes is untouched, byte for byte), else inserted right after the section's heading and its template
     * hint (an italic {@code _..._} line), else appended as a new section at the end.
     */
    public String insertInto(String notes, String content) {
        String block = wrap(content);
        int begin = notes.indexOf(beginPrefix());
        if (begin >= 0) {
            int end = notes.indexOf(endMarker(), begin);
            int after;
            if (end >= 0) {
                after = end + endMarker().length();
                if (after < notes.length() && notes.charAt(after) == '\r') {
                    after++;
                }
                if (after < notes.length() && notes.charAt(after) == '\n') {
                    after++;
                }
            } else {
                // the end marker was deleted by hand: the block ends where the next section starts
                after = blockEnd(notes, lineEnd(notes, begin));
            }
            return notes.substring(0, begin) + block + notes.substring(after);
        }
        int at = headingAt(notes);
        if (at < 0) {
            String sep = notes.isEmpty() || notes.endsWith("\n\n") ? "" : notes.endsWith("\n") ? "\n" : "\n\n";
            return notes + sep + heading + "\n\n" + block;
        }
        int pos = lineEnd(notes, at);
        int next = skipBlankLines(notes, pos);
        if (next < notes.length() && notes.charAt(next) == '_') {
            pos = lineEnd(notes, next); // keep the template's hint above the generated block
        }
        String lead = pos > 0 && notes.charAt(pos - 1) != '\n' ? "\n\n" : "\n";
        return notes.substring(0, pos) + lead + block + notes.substring(pos);
    }

    /** Index of this section's heading line, or -1. */
    private int headingAt(String notes) {
        int from = 0;
        while (true) {
            int i = notes.indexOf(heading, from);
            if (i < 0) {
                return -1;
            }
            boolean lineStart = i == 0 || notes.charAt(i - 1) == '\n';
            if (lineStart && notes.substring(i, lineEnd(notes, i)).strip().equalsIgnoreCase(heading)) {
                return i;
            }
            from = i + heading.length();
        }
    }

    /** Start of the next Markdown heading line at or after {@code from}, or the end of the text. */
    private static int blockEnd(String s, int from) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '#') {
                return i;
            }
            i = lineEnd(s, i);
        }
        return s.length();
    }

    /** Index just after the newline ending the line at {@code i} (or the text's end). */
    static int lineEnd(String s, int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 ? s.length() : nl + 1;
    }

    private static int skipBlankLines(String s, int i) {
        int k = i;
        while (k < s.length() && (s.charAt(k) == '\n' || s.charAt(k) == ' ' || s.charAt(k) == '\r')) {
            k++;
        }
        return k;
    }
}
