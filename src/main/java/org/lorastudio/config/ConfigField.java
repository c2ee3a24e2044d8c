package org.lorastudio.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything known about one config key, in one place: the validator, the YAML writer, the docs
 * ({@code lorastudio config keys}) and the form all read these descriptors and nothing else.
 *
 * @param key          the YAML key, e.g. {@code lora_rank}
 * @param section      the group it is shown and saved in
 * @param type         its type and allowed range
 * @param presence     whether it must be given, has a default, or may stay unset
 * @param defaultValue the default as a typed value; {@code null} for required and unset-by-default keys
 * @param defaultNote  how to describe an implicit default ("= lora_rank"), or {@code null} to show the value
 * @param unit         unit of the value ("px", "optimizer steps"), or {@code null}
 * @param description  what it does, one or two sentences
 * @param hint         a recommended value or range (SPEC §11), or {@code null}
 * @param appliesTo    model types that read it; setting it for another type draws a warning
 * @param aliases      names other tools use for the same setting, suggested when such a key is found
 * @param tunable      whether presets may set it (false for identity and path keys)
 * @param example      a value to show in docs and in "add a line like ..." advice
 */
public record ConfigField(String key, Section section, ValueType type, Presence presence, Object defaultValue,
                          String defaultNote, String unit, String description, String hint,
                          Set<ModelType> appliesTo, List<String> aliases, boolean tunable, String example) {

    /** Whether a key must be given, has a default, or may be left unset. */
    public enum Presence {
        /** must be given in every config */
        REQUIRED,
        /** has a default value that is used when the key is absent */
        DEFAULTED,
        /** may be left unset; the record holds an empty {@link Optional} */
        OPTIONAL
    }

    public ConfigField {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(description, "description");
        appliesTo = Set.copyOf(appliesTo);
        aliases = List.copyOf(aliases);
        if ((presence == Presence.DEFAULTED) != (defaultValue != null)) {
            throw new IllegalArgumentException(key + ": exactly the DEFAULTED keys have a default value");
        }
        if (defaultValue != null && !type.valueClass().isInstance(defaultValue)) {
            throw new IllegalArgumentException(key + ": default " + defaultValue + " is not a " + type.valueClass());
        }
    }

    public boolean required() {
        return presence == Presence.REQUIRED;
    }

    public boolean optional() {
        return presence == Presence.OPTIONAL;
    }

    /** The record component name: {@code sample_every_n_steps} becomes {@code sampleEveryNSteps}. */
    public String javaName() {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char c : key.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return sb.toString();
    }

    public boolean appliesTo(ModelType modelType) {
        return appliesTo.contains(modelType);
    }

    /** The default as people read it: a value, "(required)", "unset", or a note such as "= lora_rank". */
    public String defaultText() {
        if (defaultNote != null) {
            return defaultNote;
        }
        return switch (presence) {
            case REQUIRED -> "(required)";
            case OPTIONAL -> "unset";
            case DEFAULTED -> type.display(defaultValue);
        };
    }

    public Optional<String> unitText() {
        return Optional.ofNullable(unit);
    }

    public Optional<String> hintText() {
        return Optional.ofNullable(hint);
    }
}
