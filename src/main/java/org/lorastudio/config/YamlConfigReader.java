package org.lorastudio.config;

import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a config's YAML into {@link RawEntry}s with their line numbers, using SnakeYAML's node API so that no
 * objects are constructed from the file and every key keeps its position. Duplicate keys (which SnakeYAML's object
 * API would silently resolve to the last one) are reported, as are syntax errors with line and column.
 */
final class YamlConfigReader {
    /** A config is a few kilobytes; anything this large is the wrong file. */
    static final int MAX_CHARS = 1 << 20;

    private YamlConfigReader() {
    }

    static RawDocument read(String text, Path baseDir) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (text.length() > MAX_CHARS) {
            problems.add(ConfigProblem.error("", 0, null, null, "is too large for a config (" + text.length()
                    + " characters, at most " + MAX_CHARS + "); is this the right file?"));
            return new RawDocument(List.of(), problems);
        }
        Node root;
        try {
            root = compose(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (MarkedYAMLException e) {
            problems.add(syntaxProblem(e));
            return new RawDocument(List.of(), problems);
        } catch (YAMLException e) {
            problems.add(ConfigProblem.error("", 0, null, null, "is not valid YAML: " + e.getMessage()));
            return new RawDocument(List.of(), problems);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // SnakeYAML's own bugs on odd input (e.g. an escape naming no code point) are the file's problem to
            // the user, never a stack trace
            problems.add(ConfigProblem.error("", 0, null, null, "cannot be read as YAML (" + e.getClass()
                    .getSimpleName() + " in the YAML parser); look for unusual characters or escapes"));
            return new RawDocument(List.of(), problems);
        }
        if (root == null) {
            return new RawDocument(List.of(), problems);
        }
        if (!(root instanceof MappingNode mapping)) {
            String found = root instanceof SequenceNode ? "a list" : "a single value";
            problems.add(ConfigProblem.error("", line(root), null, null,
                    "a config must be key: value lines, found " + found));
            return new RawDocument(List.of(), problems);
        }
        return new RawDocument(entries(mapping, baseDir, problems), problems);
    }

    /** Parses YAML text into a node tree; {@code null} for an empty document. */
    static Node compose(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CHARS + 1);
        return new Yaml(options).compose(new WholeCodePoints(text));
    }

    /**
     * Hands SnakeYAML the text without ever ending a read between the two halves of a surrogate pair: SnakeYAML 2.3
     * throws an IndexOutOfBoundsException when an emoji straddles its 1024-character buffer (its issue 1098; found
     * here by fuzzing), which made a valid config with an emoji at an unlucky offset unreadable.
     */
    private static final class WholeCodePoints extends Reader {
        private final String text;
        private int pos;

        WholeCodePoints(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (pos >= text.length()) {
                return -1;
            }
            int n = Math.min(length, text.length() - pos);
            if (n > 1 && Character.isHighSurrogate(text.charAt(pos + n - 1))) {
                n--;
            }
            text.getChars(pos, pos + n, buffer, offset);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static List<RawEntry> entries(MappingNode mapping, Path baseDir, List<ConfigProblem> problems) {
        List<RawEntry> entries = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int line = line(keyNode);
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                problems.add(ConfigProblem.error("", line, null, ValueType.describe(keyNode),
                        "a key must be a plain name such as lora_rank, found " + ValueType.describe(keyNode)));
                continue;
            }
            String key = scalarKey.getValue();
            RawEntry entry = new RawEntry(key, tuple.getValueNode(), line, null, baseDir);
            Integer first = firstLine.putIfAbsent(key, line);
            if (first != null) {
                problems.add(ConfigProblem.error(key, line, null, entry.describeValue(),
                        "is set twice (first at line " + first + "); keep only one"));
                continue;
            }
            entries.add(entry);
        }
        return entries;
    }

    private static ConfigProblem syntaxProblem(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        StringBuilder message = new StringBuilder("YAML syntax error: ");
        message.append(e.getProblem() != null ? e.getProblem().strip() : "cannot parse");
        if (e.getContext() != null) {
            message.append(" (").append(e.getContext().strip());
            if (e.getContextMark() != null && mark != null && e.getContextMark().getLine() != mark.getLine()) {
                message.append(" that starts at line ").append(e.getContextMark().getLine() + 1);
            }
            message.append(')');
        }
        message.append("; check the indentation, colons and quotes");
        int line = mark == null ? 0 : mark.getLine() + 1;
        int column = mark == null ? 0 : mark.getColumn() + 1;
        return new ConfigProblem(ConfigProblem.Severity.ERROR, "", line, column, null, null, message.toString(),
                null);
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }
}
