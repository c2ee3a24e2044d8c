package org.lorastudio.config;

import java.nio.file.Path;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A key and its YAML value as read, before typing, with where it came from.
 *
 * @param key     the key as written
 * @param value   the value node; {@code null} when nothing follows the key
 * @param line    1-based line of the key, 0 for an override
 * @param origin  {@code --set key=value} for an override, a preset's name, or {@code null} for the file
 * @param baseDir the folder relative paths in this entry resolve against
 */
record RawEntry(String key, Node value, int line, String origin, Path baseDir) {
    /** {@code key:}, {@code key: ~} and {@code key: null} all mean "no value"; a quoted "null" is text. */
    boolean isEmpty() {
        return value == null || value instanceof ScalarNode s && s.getTag().equals(Tag.NULL)
                && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
    }

    /** The value for messages. */
    String describeValue() {
        return isEmpty() ? "nothing" : ValueType.describe(value);
    }
}
