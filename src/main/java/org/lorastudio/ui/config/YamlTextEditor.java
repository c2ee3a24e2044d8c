package org.lorastudio.ui.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lorastudio.config.ConfigField;
import org.lorastudio.config.ConfigFields;
import org.lorastudio.config.Section;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Edits a config's YAML text surgically, so the form and the YAML tab can share one document without losing
 * anything the form does not own: setting a key replaces only the value on that key's line (a trailing comment
 * stays), or the items of its block list; a missing key is inserted after the last key of its section (or of the
 * nearest earlier one); comments, blank lines, unknown keys, key order and line endings are untouched. Only
 * top-level {@code key: value} lines at column 0 are recognised, which is the shape every config has. Comments
 * inside a block value that is replaced (between list items) go with the old value. Pure functions on strings.
 */
final class YamlTextEditor {
    private static final Pattern KEY_LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_.-]*)[ \\t]*:(?=[ \\t]|$)(.*)$");

    private YamlTextEditor() {
    }

    /** A top-level key: its line, the first line after its value, and the value text on the key line. */
    record Block(String key, int line, int end, String inlineValue) {
    }

    /** Sets a key to a single-line YAML value ({@code 16}, {@code "a b"}, {@code [x, y]}). */
    static String set(String text, String key, String yamlValue) {
        Doc doc = new Doc(text);
        Optional<Block> block = doc.find(key);
        if (block.isEmpty()) {
            doc.insert(key, List.of(key + ": " + yamlValue));
        } else {
            Block b = block.get();
            String line = doc.lines.get(b.line());
            doc.replace(b.line(), b.end(), List.of(withValue(line, key, yamlValue)));
        }
        return doc.text();
    }

    /**
     * Sets a key to a list of YAML-rendered items. A block list ({@code - item} lines) stays a block list with the
     * same indentation; an inline list or a missing key gets a flow list ({@code [a, b]}).
     */
    static String setList(String text, String key, List<String> yamlItems) {
        Doc doc = new Doc(text);
        Optional<Block> block = doc.find(key);
        String flow = "[" + String.join(", ", yamlItems) + "]";
        if (block.isPresent() && block.get().inlineValue().isEmpty() && block.get().end() > block.get().line() + 1
                && !yamlItems.isEmpty()) {
            Block b = block.get();
            String indent = "  ";
            for (int i = b.line() + 1; i < b.end(); i++) {
                String l = doc.lines.get(i);
                if (l.strip().startsWith("-")) {
                    indent = l.substring(0, l.indexOf('-'));
                    break;
                }
            }
            List<String> out = new ArrayList<>();
            out.add(doc.lines.get(b.line()));
            for (String item : yamlItems) {
                out.add(indent + "- " + item);
            }
            doc.replace(b.line(), b.end(), out);
            return doc.text();
        }
        return set(text, key, flow);
    }

    /** Removes a key with its value lines (the comments above it stay). */
    static String remove(String text, String key) {
        Doc doc = new Doc(text);
        doc.find(key).ifPresent(b -> doc.replace(b.line(), b.end(), List.of()));
        return doc.text();
    }

    /** Whether the text has the key at the top level. */
    static boolean has(String text, String key) {
        return new Doc(text).find(key).isPresent();
    }

    /** The top-level keys in file order. */
    static List<Block> blocks(String text) {
        return new Doc(text).blocks();
    }

    /**
     * The top-level values as the form shows them: a String for a scalar, a {@code List<String>} for a list,
     * {@code null} for {@code key:} / {@code null}; empty when the text is not a YAML mapping.
     */
    static Optional<Map<String, Object>> values(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            root = new Yaml(options).compose(new StringReader(text.startsWith("\uFEFF") ? text.substring(1) : text));
        } catch (YAMLException e) {
            return Optional.empty();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (root == null) {
            return Optional.of(out);
        }
        if (!(root instanceof MappingNode mapping)) {
            return Optional.empty();
        }
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                continue;
            }
            Node v = t.getValueNode();
            if (v instanceof ScalarNode s) {
                boolean isNull = s.getTag().equals(Tag.NULL) && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
                out.put(k.getValue(), isNull ? null : s.getValue());
            } else if (v instanceof SequenceNode seq) {
                List<String> items = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    items.add(item instanceof ScalarNode s ? s.getValue() : "?");
                }
                out.put(k.getValue(), items);
            } else {
                out.put(k.getValue(), "{…}");
            }
        }
        return Optional.of(out);
    }

    /** {@code key: old   # note} with the value replaced, the spacing before the comment and the comment kept. */
    static String withValue(String line, String key, String yamlValue) {
        int colon = line.indexOf(':', key.length());
        String rest = line.substring(colon + 1);
        int hash = commentStart(rest);
        if (hash < 0) {
            return line.substring(0, colon + 1) + " " + yamlValue;
        }
        String before = rest.substring(0, hash);
        String value = before.strip();
        String gap = value.isEmpty() ? "  " : before.substring(before.stripTrailing().length());
        return line.substring(0, colon + 1) + " " + yamlValue + (gap.isEmpty() ? " " : gap) + rest.substring(hash);
    }

    /** Index of a {@code #} that starts a comment (after whitespace or at the start, outside quotes), or -1. */
    static int commentStart(String s) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && dbl) {
                i++;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
    }

    /** The text as lines with its line ending, BOM and final line break remembered. */
    private static final class Doc {
        private final String newline;
        private final boolean finalBreak;
        private final List<String> lines;

        Doc(String text) {
            newline = text.contains("\r\n") ? "\r\n" : "\n";
            String t = text.replace("\r\n", "\n");
            finalBreak = t.isEmpty() || t.endsWith("\n");
            if (t.endsWith("\n")) {
                t = t.substring(0, t.length() - 1);
            }
            boolean empty = text.replace("\r\n", "\n").isEmpty();
            lines = new ArrayList<>(empty ? List.of() : List.of(t.split("\n", -1)));
        }

        String text() {
            String body = String.join(newline, lines);
            return lines.isEmpty() ? "" : body + (finalBreak ? newline : "");
        }

        List<Block> blocks() {
            List<Block> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = KEY_LINE.matcher(stripBom(lines.get(i), i));
                if (m.matches()) {
                    String rest = m.group(2);
                    int hash = commentStart(rest);
                    String value = (hash < 0 ? rest : rest.substring(0, hash)).strip();
                    int end = valueEnd(i, value);
                    out.add(new Block(m.group(1), i, end, value));
                    i = end - 1;
                }
            }
            return out;
        }

        Optional<Block> find(String key) {
            return blocks().stream().filter(b -> b.key().equals(key)).findFirst();
        }

        /** The first line after a key's value: the key line alone for a complete inline value. */
        private int valueEnd(int keyLine, String inlineValue) {
            boolean open = inlineValue.isEmpty() || inlineValue.startsWith("|") || inlineValue.startsWith(">")
                    || inlineValue.startsWith("[") && !inlineValue.endsWith("]")
                    || inlineValue.startsWith("{") && !inlineValue.endsWith("}");
            if (!open) {
                return keyLine + 1;
            }
            int end = keyLine + 1;
            for (int j = keyLine + 1; j < lines.size(); j++) {
                String l = lines.get(j);
                if (l.isBlank()) {
                    continue;
                }
                boolean continuation = Character.isWhitespace(l.charAt(0)) || l.startsWith("- ") || l.equals("-");
                if (!continuation) {
                    break;
                }
                end = j + 1;
            }
            return end;
        }

        void replace(int from, int to, List<String> with) {
            lines.subList(from, to).clear();
            lines.addAll(from, with);
        }

        /** Inserts a new key after the last key of its section, or of the nearest earlier section, else at the end. */
        void insert(String key, List<String> newLines) {
            int target = ConfigFields.byKey(key).map(f -> f.section().ordinal()).orElse(Section.values().length);
            int bestOrdinal = -1;
            int at = -1;
            for (Block b : blocks()) {
                Optional<ConfigField> f = ConfigFields.byKey(b.key());
                if (f.isEmpty()) {
                    continue;
                }
                int ord = f.get().section().ordinal();
                if (ord <= target && ord >= bestOrdinal) {
                    bestOrdinal = ord;
                    at = b.end();
                }
            }
            if (at < 0) {
                at = lines.size();
                while (at > 0 && lines.get(at - 1).isBlank()) {
                    at--;
                }
            }
            lines.addAll(at, newLines);
        }

        private static String stripBom(String line, int index) {
            return index == 0 && line.startsWith("\uFEFF") ? line.substring(1) : line;
        }
    }
}
