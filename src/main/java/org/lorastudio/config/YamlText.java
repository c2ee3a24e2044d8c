package org.lorastudio.config;

import java.util.List;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Writes single YAML scalars and flow lists with correct quoting: strings YAML 1.1 would read as something else
 * ({@code no}, {@code 1e-3}, {@code null}) are quoted, so that the saved file means the same to any YAML reader.
 */
final class YamlText {
    private YamlText() {
    }

    static String string(String s) {
        return dump(s, needsDoubleQuotes(s));
    }

    static String list(List<String> items) {
        return dump(items, items.stream().anyMatch(YamlText::needsDoubleQuotes));
    }

    /** Control characters (new lines, tabs) are written as escapes inside double quotes, on one line. */
    private static boolean needsDoubleQuotes(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static String dump(Object value, boolean doubleQuoted) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
        options.setSplitLines(false);
        options.setWidth(Integer.MAX_VALUE);
        options.setAllowUnicode(true);
        // SnakeYAML writes a string holding a non-printable character (ESC, BEL) as !!binary base64 by default,
        // which reads back as the base64 text; escapes keep the value (found by fuzzing)
        options.setNonPrintableStyle(DumperOptions.NonPrintableStyle.ESCAPE);
        if (doubleQuoted) {
            options.setDefaultScalarStyle(DumperOptions.ScalarStyle.DOUBLE_QUOTED);
        }
        // Drop only the line break the dumper ends with: stripTrailing() would also eat a trailing U+3000 or other
        // Unicode space that YAML keeps as part of a plain scalar, so the saved value would differ (found by fuzzing).
        String dumped = new Yaml(options).dump(value);
        int end = dumped.length();
        while (end > 0 && (dumped.charAt(end - 1) == '\n' || dumped.charAt(end - 1) == '\r')) {
            end--;
        }
        return dumped.substring(0, end);
    }
}
