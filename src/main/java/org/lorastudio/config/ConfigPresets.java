package org.lorastudio.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lorastudio.util.UserException;

/**
 * The built-in presets ({@code resources/configs/presets/*.yaml}, on the class path under
 * {@code /lorastudio/configs/presets/}) and laying a preset over a config. A preset may set tuning keys only
 * (not the name, the model type or paths); its values are checked like a file's, and the result is validated.
 */
public final class ConfigPresets {
    /** Built-in preset ids, in the order the studio offers them; each is a file {@code presets/<id>.yaml}. */
    static final List<String> BUILT_IN = List.of("default", "8gb-gpu", "quality");
    static final String RESOURCE_DIR = "/lorastudio/configs/presets/";

    private ConfigPresets() {
    }

    /** The presets shipped with the studio. */
    public static List<ConfigPreset> builtIn() {
        return BUILT_IN.stream().map(ConfigPresets::readBuiltIn).toList();
    }

    public static Optional<ConfigPreset> find(String id) {
        return BUILT_IN.contains(id) ? Optional.of(readBuiltIn(id)) : Optional.empty();
    }

    /** A preset from a file of the user's (its id is the file name without {@code .yaml}). */
    public static ConfigPreset fromFile(Path file) {
        String id = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        try {
            return ConfigPreset.parse(id, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserException("cannot read preset " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The typed values a preset sets, by key, in file order.
     *
     * @throws ConfigException when the preset has unknown keys, keys presets may not set, or bad values
     */
    public static Map<String, Object> values(ConfigPreset preset) {
        RawDocument doc = YamlConfigReader.read(preset.yaml(), Path.of("").toAbsolutePath());
        List<ConfigProblem> problems = new ArrayList<>(doc.problems());
        Map<String, Object> values = new LinkedHashMap<>();
        for (RawEntry e : doc.entries()) {
            Optional<ConfigField> field = ConfigFields.byKey(e.key());
            if (field.isEmpty()) {
                problems.add(ConfigProblem.error(e.key(), e.line(), null, e.describeValue(), "unknown key"
                        + ConfigFields.suggest(e.key()).map(s -> "; did you mean `" + s + "`?").orElse("")));
            } else if (!field.get().tunable()) {
                problems.add(ConfigProblem.error(e.key(), e.line(), null, e.describeValue(),
                        "cannot be set by a preset; presets hold tuning keys only"));
            } else {
                try {
                    values.put(e.key(), ConfigLoader.bind(field.get(), e));
                } catch (InvalidValue invalid) {
                    problems.add(ConfigProblem.error(e.key(), e.line(), null, invalid.found(), invalid.getMessage()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("preset " + preset.id(), problems);
        }
        return values;
    }

    /**
     * {@code base} with the preset's keys set.
     *
     * @throws ConfigException when the preset is broken or the combination has errors (e.g. a preset that turns
     *                         on sampling for a config without prompts)
     */
    public static TrainingConfig apply(TrainingConfig base, ConfigPreset preset) {
        TrainingConfig result = base;
        for (Map.Entry<String, Object> e : values(preset).entrySet()) {
            result = result.with(e.getKey(), e.getValue());
        }
        List<ConfigProblem> problems = result.validate();
        if (problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new ConfigException(base.name() + " with preset " + preset.id(), problems);
        }
        return result;
    }

    private static ConfigPreset readBuiltIn(String id) {
        String resource = RESOURCE_DIR + id + ".yaml";
        try (InputStream in = ConfigPresets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("built-in preset missing from the class path: " + resource);
            }
            return ConfigPreset.parse(id, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
