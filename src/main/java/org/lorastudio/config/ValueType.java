package org.lorastudio.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The type of a config value together with its allowed range: one object converts YAML to Java, checks the range,
 * says what is allowed in words ({@link #rule()}) and writes the value back. Validation, the docs and the form all
 * ask the same object, so they cannot disagree.
 *
 * <p>Parsing is strict: numbers and booleans must be plain YAML scalars ({@code "16"} in quotes is text, and the
 * message says to remove the quotes), integers have no fraction, and lists must be YAML lists.
 */
public sealed interface ValueType permits ValueType.IntType, ValueType.NumberType, ValueType.BoolType,
        ValueType.TextType, ValueType.PathType, ValueType.ChoiceType, ValueType.ListType {

    /** The kind of value in one word, for the docs and for choosing a form control. */
    String kind();

    /** What is allowed, completing the sentence "must be ...", e.g. {@code an integer 1..1024}. */
    String rule();

    /** The Java class of a parsed value: Integer, Double, Boolean, String, {@link ConfigPath}, an enum or List. */
    Class<?> valueClass();

    /**
     * Converts a YAML node that holds a value (never a null scalar) and checks its range.
     *
     * @param baseDir the folder relative paths resolve against
     */
    Object parse(Node node, Path baseDir) throws InvalidValue;

    /** Checks a typed value, e.g. one set through the form: the problem sentence, or empty when it is allowed. */
    Optional<String> check(Object value);

    /** The value meant by a key with nothing after it ({@code key:}), for types where that has a meaning. */
    default Optional<Object> emptyValue() {
        return Optional.empty();
    }

    /** The value as YAML text. */
    String yaml(Object value);

    /** The value as a plain Java value for {@link TrainingConfig#toMap()}: numbers, strings, booleans, lists. */
    default Object plain(Object value) {
        return value;
    }

    /** The value as people read it in messages and docs. */
    default String display(Object value) {
        return yaml(value);
    }

    /** Describes a YAML node for the "found ..." part of a message. */
    static String describe(Node node) {
        if (node instanceof ScalarNode s) {
            String v = s.getValue();
            if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
                return '"' + v + '"';
            }
            return v.isEmpty() ? "nothing" : v;
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue().stream().map(ValueType::describe).collect(Collectors.joining(", ", "[", "]"));
        }
        return node instanceof MappingNode ? "a mapping (key: value lines)" : node.getNodeId().toString();
    }

    /** The text of a plain (unquoted) scalar, or an {@link InvalidValue} that explains what was found instead. */
    private static String plainScalar(ValueType type, Node node) throws InvalidValue {
        if (!(node instanceof ScalarNode s)) {
            throw InvalidValue.of(type, describe(node), null);
        }
        if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            throw InvalidValue.of(type, describe(node), "remove the quotes");
        }
        return s.getValue().strip();
    }

    private static String anyScalar(ValueType type, Node node) throws InvalidValue {
        if (!(node instanceof ScalarNode s)) {
            throw InvalidValue.of(type, describe(node), null);
        }
        return s.getValue();
    }

    private static <T> T checked(ValueType type, T value) throws InvalidValue {
        Optional<String> problem = type.check(value);
        if (problem.isPresent()) {
            throw new InvalidValue(problem.get(), type.display(value));
        }
        return value;
    }

    /** A whole number in {@code min..max}, optionally a multiple of {@code step}. */
    record IntType(int min, int max, int step) implements ValueType {
        private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,18}");

        IntType(int min, int max) {
            this(min, max, 1);
        }

        @Override
        public String kind() {
            return "integer";
        }

        @Override
        public String rule() {
            String range = max == Integer.MAX_VALUE ? " >= " + min : " " + min + ".." + max;
            return "an integer" + range + (step > 1 ? ", a multiple of " + step : "");
        }

        @Override
        public Class<?> valueClass() {
            return Integer.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            String text = plainScalar(this, node);
            if (!INTEGER.matcher(text).matches()) {
                throw InvalidValue.of(this, text, null);
            }
            long v = Long.parseLong(text);
            if (v < min || v > max) {
                throw InvalidValue.of(this, text, null);
            }
            return checked(this, (int) v);
        }

        @Override
        public Optional<String> check(Object value) {
            int v = (Integer) value;
            boolean ok = v >= min && v <= max && v % step == 0;
            return ok ? Optional.empty() : Optional.of("must be " + rule() + ", found " + v);
        }

        @Override
        public String yaml(Object value) {
            return value.toString();
        }
    }

    /** A decimal number between two bounds, each inclusive or not; infinite bounds mean "no limit". */
    record NumberType(double min, boolean minInclusive, double max, boolean maxInclusive) implements ValueType {
        private static final Pattern NUMBER = Pattern.compile("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?");

        /** {@code min..max}, both inclusive. */
        static NumberType between(double min, double max) {
            return new NumberType(min, true, max, true);
        }

        static NumberType atLeast(double min) {
            return new NumberType(min, true, Double.POSITIVE_INFINITY, false);
        }

        static NumberType above(double min) {
            return new NumberType(min, false, Double.POSITIVE_INFINITY, false);
        }

        @Override
        public String kind() {
            return "number";
        }

        @Override
        public String rule() {
            String lo = ConfigNumbers.compact(min);
            String hi = ConfigNumbers.compact(max);
            if (Double.isInfinite(max)) {
                return "a number " + (minInclusive ? ">= " : "> ") + lo;
            }
            if (minInclusive && maxInclusive) {
                return "a number " + lo + ".." + hi;
            }
            return "a number " + (minInclusive ? ">= " : "> ") + lo + " and " + (maxInclusive ? "<= " : "< ") + hi;
        }

        @Override
        public Class<?> valueClass() {
            return Double.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            String text = plainScalar(this, node);
            if (!NUMBER.matcher(text).matches()) {
                throw InvalidValue.of(this, text, null);
            }
            double v = Double.parseDouble(text);
            if (check(v).isPresent()) {
                throw InvalidValue.of(this, text, null);
            }
            return v;
        }

        @Override
        public Optional<String> check(Object value) {
            double v = (Double) value;
            boolean ok = Double.isFinite(v)
                    && (minInclusive ? v >= min : v > min)
                    && (maxInclusive ? v <= max : v < max);
            return ok ? Optional.empty() : Optional.of("must be " + rule() + ", found " + ConfigNumbers.compact(v));
        }

        @Override
        public String yaml(Object value) {
            return ConfigNumbers.yaml((Double) value);
        }

        @Override
        public String display(Object value) {
            return ConfigNumbers.compact((Double) value);
        }
    }

    /** {@code true} or {@code false}; YAML 1.1's yes/no/on/off are refused because they surprise people. */
    record BoolType() implements ValueType {
        @Override
        public String kind() {
            return "boolean";
        }

        @Override
        public String rule() {
            return "true or false";
        }

        @Override
        public Class<?> valueClass() {
            return Boolean.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            String text = plainScalar(this, node);
            if (text.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            if (text.equalsIgnoreCase("false")) {
                return Boolean.FALSE;
            }
            throw InvalidValue.of(this, text, null);
        }

        @Override
        public Optional<String> check(Object value) {
            return Optional.empty();
        }

        @Override
        public String yaml(Object value) {
            return value.toString();
        }
    }

    /**
     * Free text of bounded length, optionally matching a pattern described by {@code ruleText}.
     *
     * @param allowEmpty whether {@code key:} with nothing after it means the empty string
     */
    record TextType(int minLength, int maxLength, Pattern pattern, String ruleText, boolean allowEmpty)
            implements ValueType {
        @Override
        public String kind() {
            return "string";
        }

        @Override
        public String rule() {
            return ruleText;
        }

        @Override
        public Class<?> valueClass() {
            return String.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            return checked(this, anyScalar(this, node));
        }

        @Override
        public Optional<String> check(Object value) {
            String s = (String) value;
            boolean ok = s.length() >= minLength && s.length() <= maxLength
                    && (pattern == null || pattern.matcher(s).matches());
            return ok ? Optional.empty() : Optional.of("must be " + rule() + ", found " + display(s));
        }

        @Override
        public Optional<Object> emptyValue() {
            return allowEmpty ? Optional.of("") : Optional.empty();
        }

        @Override
        public String yaml(Object value) {
            return YamlText.string((String) value);
        }
    }

    /** A file or folder path; relative paths resolve against the config file's folder (see {@link ConfigPath}). */
    record PathType() implements ValueType {
        @Override
        public String kind() {
            return "path";
        }

        @Override
        public String rule() {
            return "a file or folder path";
        }

        @Override
        public Class<?> valueClass() {
            return ConfigPath.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            String text = anyScalar(this, node).strip();
            if (text.isEmpty()) {
                throw InvalidValue.of(this, "nothing", null);
            }
            try {
                return ConfigPath.of(text, baseDir);
            } catch (InvalidPathException e) {
                throw InvalidValue.of(this, describe(node), e.getReason());
            }
        }

        @Override
        public Optional<String> check(Object value) {
            return ((ConfigPath) value).written().isBlank()
                    ? Optional.of("must be " + rule() + ", found nothing") : Optional.empty();
        }

        @Override
        public String yaml(Object value) {
            return YamlText.string(((ConfigPath) value).written());
        }

        @Override
        public Object plain(Object value) {
            return ((ConfigPath) value).resolved().toString();
        }
    }

    /** One of the constants of a {@link ConfigEnum}, written by its YAML name; case is ignored when reading. */
    record ChoiceType<E extends Enum<E> & ConfigEnum>(Class<E> enumType) implements ValueType {
        @Override
        public String kind() {
            return "choice";
        }

        @Override
        public String rule() {
            return "one of " + String.join(", ", ConfigEnum.names(enumType));
        }

        @Override
        public Class<?> valueClass() {
            return enumType;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            String text = anyScalar(this, node);
            return ConfigEnum.parse(enumType, text).orElseThrow(() -> InvalidValue.of(this, describe(node), null));
        }

        @Override
        public Optional<String> check(Object value) {
            return Optional.empty();
        }

        @Override
        public String yaml(Object value) {
            return YamlText.string(((ConfigEnum) value).yamlName());
        }

        @Override
        public Object plain(Object value) {
            return ((ConfigEnum) value).yamlName();
        }

        @Override
        public String display(Object value) {
            return ((ConfigEnum) value).yamlName();
        }

        /** The allowed constants, for the form's drop-down. */
        public List<E> values() {
            return List.of(enumType.getEnumConstants());
        }
    }

    /**
     * A YAML list of strings without repeats, each matching {@code itemPattern} ({@code itemRule} says how in words).
     *
     * @param allowEmpty whether the list may be empty (and {@code key:} alone means an empty list)
     */
    record ListType(Pattern itemPattern, String itemRule, boolean allowEmpty) implements ValueType {
        @Override
        public String kind() {
            return "list";
        }

        @Override
        public String rule() {
            return (allowEmpty ? "a list" : "a non-empty list") + " of " + itemRule;
        }

        @Override
        public Class<?> valueClass() {
            return List.class;
        }

        @Override
        public Object parse(Node node, Path baseDir) throws InvalidValue {
            if (!(node instanceof SequenceNode seq)) {
                String found = describe(node);
                throw InvalidValue.of(this, found, node instanceof ScalarNode ? "write it as [" + found + "]" : null);
            }
            List<String> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw InvalidValue.of(this, describe(node), "each item must be a single value");
                }
                items.add(s.getValue());
            }
            return checked(this, List.copyOf(items));
        }

        @Override
        public Optional<String> check(Object value) {
            List<?> items = (List<?>) value;
            String found = display(value);
            if (items.isEmpty() && !allowEmpty) {
                return Optional.of("must be " + rule() + ", found []");
            }
            Set<Object> seen = new HashSet<>();
            for (Object item : items) {
                if (!(item instanceof String s) || !itemPattern.matcher(s).matches()) {
                    return Optional.of("must be " + rule() + ", found " + found);
                }
                if (!seen.add(s)) {
                    return Optional.of("must not repeat items, found " + YamlText.string(s) + " twice in " + found);
                }
            }
            return Optional.empty();
        }

        @Override
        public Optional<Object> emptyValue() {
            return allowEmpty ? Optional.of(List.of()) : Optional.empty();
        }

        @Override
        @SuppressWarnings("unchecked")
        public String yaml(Object value) {
            return YamlText.list((List<String>) value);
        }
    }
}
