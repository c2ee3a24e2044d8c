package org.lorastudio.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose constants are written in YAML by a fixed lower-case name ({@code cosine_with_restarts},
 * {@code euler_a}) rather than by their Java name, so the YAML keeps the names users know from kohya and diffusers.
 */
public interface ConfigEnum {
    /** The name used in YAML files and on the command line. */
    String yamlName();

    /** A short explanation shown in the docs and as a tooltip in the form. */
    String description();

    /** The constant whose YAML name matches {@code text}, ignoring case ({@code AdamW} is what kohya users write). */
    static <E extends Enum<E> & ConfigEnum> Optional<E> parse(Class<E> type, String text) {
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.yamlName().equals(wanted)).findFirst();
    }

    /** The YAML names of all constants of {@code type}, in declaration order. */
    static <E extends Enum<E> & ConfigEnum> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(ConfigEnum::yamlName).toList();
    }
}
