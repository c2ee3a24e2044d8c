package org.lorastudio.compare;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.lorastudio.util.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A config flattened to one value per dotted key ({@code optimizer.beta1}), in file order, for diffing runs.
 *
 * <p>Values keep the text the user wrote ({@code 2e-4} stays {@code 2e-4}); lists and maps inside lists are
 * shown in YAML flow style ({@code [q_proj, v_proj]}). Equality uses a canonical form, so {@code 16} and
 * {@code 16.0}, or {@code 2e-4} and {@code 0.0002}, are the same setting and are not reported as a difference.
 * The config is read with SnakeYAML's node API (no objects are constructed), and is independent of the config
 * package: a run's {@code config.yaml} from any version can be compared.
 *
 * @param values flattened key to value, in file order
 */
public record FlatConfig(Map<String, Value> values) {
    /** Deeper nesting than this is not a config (and guards against alias loops). */
    private static final int MAX_DEPTH = 32;
    private static final Set<String> TRUE_WORDS = Set.of("true", "yes", "on", "y");

    /**
     * One flattened value.
     *
     * @param text what to show
     * @param canonical what to compare
     */
    public record Value(String text, String canonical) {
    }

    public FlatConfig {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Flattens YAML text; {@code source} names it in errors (a {@link UserException} for YAML that does not
     * parse, a top level that is not a mapping, or a key given twice).
     */
    public static FlatConfig parse(String yamlText, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Node root;
        try {
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            String where = e.getProblemMark() == null ? "" : " (line " + (e.getProblemMark().getLine() + 1) + ")";
            throw new UserException(source + " is not valid YAML" + where + ": " + e.getProblem(), e);
        } catch (YAMLException e) {
            throw new UserException(source + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, Value> out = new LinkedHashMap<>();
        if (root == null) {
            return new FlatConfig(out);
        }
        if (!(root instanceof MappingNode map)) {
            throw new UserException(source + " is not a config: expected keys and values at the top level, found "
                    + root.getNodeId());
        }
        flattenInto(map, "", out, source, 0);
        return new FlatConfig(out);
    }

    /** The keys, in file order. */
    public Set<String> keys() {
        return values.keySet();
    }

    private static void flattenInto(MappingNode map, String prefix, Map<String, Value> out, String source,
                                    int depth) {
        checkDepth(depth, source, map);
        for (NodeTuple t : map.getValue()) {
            String key = prefix + keyText(t.getKeyNode());
            Node v = t.getValueNode();
            if (v instanceof MappingNode m && !m.getValue().isEmpty()) {
                flattenInto(m, key + ".", out, source, depth + 1);
            } else if (out.containsKey(key)) {
                throw new UserException(source + " has key '" + key + "' twice (line "
                        + (t.getKeyNode().getStartMark().getLine() + 1) + ")");
            } else {
                out.put(key, new Value(text(v, false, source, depth), canonical(v, source, depth)));
            }
        }
    }

    private static String keyText(Node key) {
        return key instanceof ScalarNode s ? s.getValue() : key.getNodeId().toString();
    }

    /** Display text; {@code inFlow} quotes strings that would otherwise break the flow syntax. */
    private static String text(Node node, boolean inFlow, String source, int depth) {
        checkDepth(depth, source, node);
        if (node instanceof ScalarNode s) {
            if (Tag.NULL.equals(s.getTag())) {
                return "null";
            }
            String v = s.getValue();
            boolean quote = Tag.STR.equals(s.getTag()) && (v.isEmpty() || (inFlow && needsQuotes(v))
                    || (!s.isPlain() && looksLikeOtherType(v)));
            return quote ? quoted(v) : v;
        }
        if (node instanceof SequenceNode seq) {
            List<String> items = seq.getValue().stream().map(n -> text(n, true, source, depth + 1)).toList();
            return "[" + String.join(", ", items) + "]";
        }
        MappingNode m = (MappingNode) node;
        List<String> items = m.getValue().stream()
                .map(t -> text(t.getKeyNode(), true, source, depth + 1) + ": "
                        + text(t.getValueNode(), true, source, depth + 1))
                .toList();
        return "{" + String.join(", ", items) + "}";
    }

    /** Canonical form: type-tagged, numbers by value, booleans by truth, collections recursively. */
    private static String canonical(Node node, String source, int depth) {
        checkDepth(depth, source, node);
        if (node instanceof ScalarNode s) {
            String v = s.getValue();
            if (Tag.INT.equals(s.getTag()) || Tag.FLOAT.equals(s.getTag())) {
                return "n:" + number(v);
            }
            if (Tag.BOOL.equals(s.getTag())) {
                return "b:" + TRUE_WORDS.contains(v.toLowerCase(Locale.ROOT));
            }
            if (Tag.NULL.equals(s.getTag())) {
                return "null";
            }
            return "s:" + v;
        }
        if (node instanceof SequenceNode seq) {
            List<String> items = seq.getValue().stream().map(n -> canonical(n, source, depth + 1)).toList();
            return "[" + String.join(",", items) + "]";
        }
        MappingNode m = (MappingNode) node;
        List<String> items = m.getValue().stream()
                .map(t -> canonical(t.getKeyNode(), source, depth + 1) + "="
                        + canonical(t.getValueNode(), source, depth + 1))
                .toList();
        return "{" + String.join(",", items) + "}";
    }

    private static String number(String text) {
        String t = text.replace("_", "");
        try {
            BigDecimal d = new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toString();
        } catch (NumberFormatException e) {
            // .inf, .nan, 0x1F, 0o17: rare in configs; compare them as written, ignoring case
            return t.toLowerCase(Locale.ROOT);
        }
    }

    private static boolean needsQuotes(String v) {
        for (char c : new char[] {',', '[', ']', '{', '}', ':', '#', '"', '\''}) {
            if (v.indexOf(c) >= 0) {
                return true;
            }
        }
        return !v.strip().equals(v);
    }

    /** A quoted string such as {@code "8"} or {@code "true"} is shown quoted, so it is not mistaken for a number. */
    private static boolean looksLikeOtherType(String v) {
        return v.matches("[-+]?[0-9][0-9_.eE+-]*|true|false|yes|no|on|off|null|~");
    }

    private static String quoted(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void checkDepth(int depth, String source, Node node) {
        if (depth > MAX_DEPTH) {
            throw new UserException(source + " nests deeper than " + MAX_DEPTH + " levels (line "
                    + (node.getStartMark().getLine() + 1) + "); is an alias referring to itself?");
        }
    }
}
