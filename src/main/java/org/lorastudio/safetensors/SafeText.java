package org.lorastudio.safetensors;

/**
 * Makes text taken from a file safe to print on one terminal line. Tensor names and metadata come from files that
 * may be hostile: a name holding a newline or an ANSI escape sequence would otherwise split an error message into
 * several lines or repaint the user's terminal, and a megabyte-long name would drown the message.
 */
public final class SafeText {
    private SafeText() {
    }

    /**
     * Replaces every control, format (e.g. bidi override) and line/paragraph separator character by a visible
     * {@code \\uXXXX} escape, so the result never breaks a line or moves the cursor.
     */
    public static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isUnsafe(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(String.format("\\u%04X", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@link #oneLine} then cut to at most {@code max} characters, marking the cut with an ellipsis. */
    public static String shorten(String s, int max) {
        String t = oneLine(s);
        if (t.length() <= max) {
            return t;
        }
        int cut = Math.max(1, max - 1);
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return t.substring(0, cut) + "…";
    }

    /** A tensor or key name as shown in messages: single-quoted, one line, at most 200 characters. */
    public static String quote(String name) {
        return "'" + shorten(name, 200) + "'";
    }

    private static boolean isUnsafe(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
