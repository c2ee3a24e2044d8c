package org.lorastudio.dataset;

/** The line terminator a text file uses; kept on rewrite so that edits do not produce whole-file diffs. */
public enum LineEnding {
    LF("\n"),
    CRLF("\r\n");

    private final String chars;

    LineEnding(String chars) {
        this.chars = chars;
    }

    public String chars() {
        return chars;
    }

    /** The ending of the first line break in {@code text}, or {@code fallback} when there is none. */
    static LineEnding detect(String text, LineEnding fallback) {
        int nl = text.indexOf('\n');
        if (nl < 0) {
            return fallback;
        }
        return nl > 0 && text.charAt(nl - 1) == '\r' ? CRLF : LF;
    }

    /** {@code text} with every {@code \n} written as this ending; input {@code \r\n} is normalised first. */
    String apply(String text) {
        String lf = text.replace("\r\n", "\n");
        return this == LF ? lf : lf.replace("\n", "\r\n");
    }
}
