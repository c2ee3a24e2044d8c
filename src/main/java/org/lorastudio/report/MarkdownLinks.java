package org.lorastudio.report;

import java.nio.file.Path;

/** Relative links that render the same on GitHub, in the studio and in flexmark. */
public final class MarkdownLinks {
    private MarkdownLinks() {
    }

    /**
     * {@code target} relative to {@code fromDir} with {@code /} separators, with the characters that end or break
     * a Markdown link target percent-encoded (space, parentheses, angle brackets, {@code %}).
     */
    public static String relative(Path fromDir, Path target) {
        Path rel = fromDir.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize());
        return encode(rel.toString().replace('\\', '/'));
    }

    /** Percent-encodes the characters of a path that Markdown link syntax cannot carry. */
    public static String encode(String path) {
        StringBuilder sb = new StringBuilder(path.length());
        for (char c : path.toCharArray()) {
            switch (c) {
                case '%' -> sb.append("%25");
                case ' ' -> sb.append("%20");
                case '(' -> sb.append("%28");
                case ')' -> sb.append("%29");
                case '<' -> sb.append("%3C");
                case '>' -> sb.append("%3E");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
