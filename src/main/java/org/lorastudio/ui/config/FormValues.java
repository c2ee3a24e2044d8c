package org.lorastudio.ui.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.lorastudio.config.ConfigEnum;
import org.lorastudio.config.ConfigField;
import org.lorastudio.config.ConfigPath;
import org.lorastudio.config.ValueType;

/**
 * The Config form's text ↔ YAML conversion: what a field shows for a value, and how typed text becomes YAML (or the
 * problem that keeps it from being written), checked with the key's own type so the messages are the validator's.
 */
final class FormValues {
    private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    /** Renders list items and strings with YAML quoting where needed. */
    static final ValueType.TextType ANY_TEXT = new ValueType.TextType(0, Integer.MAX_VALUE, null, "text", true);

    private FormValues() {
    }

    /** A form value as YAML (or list items), or the problem that keeps it from being written. */
    record Parsed(String yaml, List<String> items, String problem) {
        static Parsed problem(String p) {
            return new Parsed(null, null, p);
        }
    }

    /** Turns form text into YAML text, checking it with the key's own type (the validator's messages). */
    static Parsed parse(ConfigField f, String text, boolean linePerItem, Path baseDir) {
        String t = text.strip();
        ValueType type = f.type();
        String found = "must be " + type.rule() + ", found " + t;
        try {
            if (type instanceof ValueType.IntType) {
                if (!t.matches("[-+]?[0-9]{1,10}")) {
                    return Parsed.problem(found);
                }
                long v = Long.parseLong(t);
                if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                    return Parsed.problem(found);
                }
                return type.check((int) v).map(Parsed::problem).orElse(new Parsed(t, null, null));
            }
            if (type instanceof ValueType.NumberType) {
                if (!NUMBER.matcher(t).matches()) {
                    return Parsed.problem(found);
                }
                return type.check(Double.parseDouble(t)).map(Parsed::problem).orElse(new Parsed(t, null, null));
            }
            if (type instanceof ValueType.BoolType) {
                return t.equals("true") || t.equals("false") ? new Parsed(t, null, null) : Parsed.problem(found);
            }
            if (type instanceof ValueType.ChoiceType<?> choice) {
                boolean ok = choice.values().stream().anyMatch(v -> ((ConfigEnum) v).yamlName().equals(t));
                return ok ? new Parsed(t, null, null) : Parsed.problem(found);
            }
            if (type instanceof ValueType.PathType) {
                ConfigPath p = ConfigPath.of(t, baseDir);
                return type.check(p).map(Parsed::problem).orElse(new Parsed(type.yaml(p), null, null));
            }
            if (type instanceof ValueType.ListType) {
                List<String> items = Arrays.stream(text.split(linePerItem ? "\n" : ","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                Optional<String> problem = type.check(items);
                if (problem.isPresent()) {
                    return Parsed.problem(problem.get());
                }
                return new Parsed(null, items.stream().map(ANY_TEXT::yaml).toList(), null);
            }
            String s = text;
            return type.check(s).map(Parsed::problem).orElse(new Parsed(type.yaml(s), null, null));
        } catch (RuntimeException e) {
            return Parsed.problem(found);
        }
    }

    static String formText(Object value, boolean linePerItem) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return String.join(linePerItem ? "\n" : ", ", list.stream().map(String::valueOf).toList());
        }
        return value.toString();
    }
}
