package org.lorastudio.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.lorastudio.util.UserException;

/**
 * Turns YAML (plus {@code --set} overrides) into a {@link TrainingConfig}, collecting every problem on the way:
 * syntax errors, duplicate and unknown keys (with a "did you mean"), wrong types, values out of range, missing
 * required keys and cross-field rules. Nothing is fixed silently; a key that is absent gets its default, a key that
 * is present must be right.
 *
 * <p>Relative paths in the file resolve against the file's folder; relative paths in overrides against the working
 * directory. Files need not exist here: {@link ConfigFiles#check} looks at them when training starts.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Loads a config file.
     *
     * @throws ConfigException listing every error (and the warnings) when the config is not usable
     * @throws UserException   when the file cannot be read
     */
    public static LoadedConfig load(Path file) {
        return load(file, List.of());
    }

    /** Loads a config file with {@code key=value} overrides applied on top (later overrides win). */
    public static LoadedConfig load(Path file, List<String> overrides) {
        return check(file, overrides).orThrow();
    }

    /** Loads YAML text, e.g. from the class path or the studio's YAML tab. */
    public static LoadedConfig load(String yaml, String sourceName, Path baseDir, List<String> overrides) {
        return check(yaml, sourceName, baseDir, overrides).orThrow();
    }

    /**
     * Reads and validates a config file without throwing for config problems, for callers that show problems
     * themselves ({@code config check}, the form).
     *
     * @throws UserException when the file cannot be read
     */
    public static ConfigReport check(Path file, List<String> overrides) {
        Path abs = file.toAbsolutePath().normalize();
        return check(readText(abs), String.valueOf(file.getFileName()), abs.getParent(), overrides);
    }

    /** Validates YAML text; relative paths in it resolve against {@code baseDir}. */
    public static ConfigReport check(String yaml, String sourceName, Path baseDir, List<String> overrides) {
        Path base = baseDir.toAbsolutePath().normalize();
        RawDocument file = YamlConfigReader.read(yaml, base);
        RawDocument sets = ConfigOverrides.parse(overrides, Path.of("").toAbsolutePath());
        List<ConfigProblem> problems = new ArrayList<>(file.problems());
        Map<String, RawEntry> effective = new LinkedHashMap<>();
        for (RawEntry e : file.entries()) {
            effective.put(e.key(), e);
        }
        for (RawEntry e : sets.entries()) {
            effective.put(e.key(), e);
        }

        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> bad = new HashSet<>();
        for (RawEntry e : effective.values()) {
            Optional<ConfigField> field = ConfigFields.byKey(e.key());
            if (field.isEmpty()) {
                problems.add(unknownKey(e));
                continue;
            }
            try {
                values.put(e.key(), bind(field.get(), e));
            } catch (InvalidValue invalid) {
                bad.add(e.key());
                problems.add(ConfigProblem.error(e.key(), e.line(), e.origin(), invalid.found(),
                        invalid.getMessage()));
            }
        }
        boolean syntaxBroken = file.problems().stream().anyMatch(p -> p.key().isEmpty());
        for (ConfigField f : ConfigFields.all()) {
            if (f.required() && !effective.containsKey(f.key()) && !syntaxBroken) {
                bad.add(f.key());
                problems.add(ConfigProblem.error(f.key(), 0, null, null,
                        "is required but missing; add a line like " + f.key() + ": " + f.example()));
            }
        }
        problems.addAll(sets.problems());

        Set<String> explicit = Set.copyOf(values.keySet());
        Map<String, Object> complete = withDefaults(values, base);
        TrainingConfig config = ConfigRecords.build(complete);
        ConfigValidator.Locator locator = key -> {
            RawEntry e = effective.get(key);
            return e == null ? ConfigValidator.Location.NONE : new ConfigValidator.Location(e.line(), e.origin());
        };
        if (!syntaxBroken) {
            problems.addAll(ConfigValidator.crossCheck(config, bad, locator));
        }
        problems.sort(ConfigProblem.ORDER);

        boolean ok = problems.stream().noneMatch(ConfigProblem::isError);
        Map<String, Integer> lines = new LinkedHashMap<>();
        effective.values().stream().filter(e -> e.line() > 0).forEach(e -> lines.put(e.key(), e.line()));
        Set<String> overridden = new HashSet<>();
        sets.entries().forEach(e -> overridden.add(e.key()));
        Optional<LoadedConfig> loaded = ok
                ? Optional.of(new LoadedConfig(config, sourceName, base, explicit, lines, overridden,
                problems.stream().filter(p -> !p.isError()).toList()))
                : Optional.empty();
        return new ConfigReport(sourceName, problems, loaded);
    }

    /** The typed value of one entry; an empty value means unset, "" or [] where the type allows it. */
    static Object bind(ConfigField field, RawEntry entry) throws InvalidValue {
        if (!entry.isEmpty()) {
            return field.type().parse(entry.value(), entry.baseDir());
        }
        if (field.optional()) {
            return null;
        }
        Optional<Object> empty = field.type().emptyValue();
        if (empty.isPresent()) {
            return empty.get();
        }
        if (field.required()) {
            throw new InvalidValue("is required but has no value; write e.g. " + field.key() + ": "
                    + field.example(), "nothing");
        }
        throw InvalidValue.of(field.type(), "nothing", "remove the line to use the default, "
                + field.defaultText());
    }

    private static ConfigProblem unknownKey(RawEntry e) {
        Optional<String> suggestion = ConfigFields.suggest(e.key());
        String message = suggestion.map(s -> "unknown key; did you mean `" + s + "`?")
                .orElse("unknown key; 'lorastudio config keys' lists every key");
        return new ConfigProblem(ConfigProblem.Severity.ERROR, e.key(), e.line(), 0, e.origin(), e.describeValue(),
                message, suggestion.orElse(null));
    }

    /**
     * Fills in defaults for absent keys and placeholders for required keys that are missing or wrong, so the
     * cross-field rules can run on the rest (rules that read a placeholder are skipped).
     */
    private static Map<String, Object> withDefaults(Map<String, Object> values, Path base) {
        Map<String, Object> complete = new LinkedHashMap<>();
        for (ConfigField f : ConfigFields.all()) {
            Object v = values.containsKey(f.key()) ? values.get(f.key()) : f.defaultValue();
            if (v == null && f.required()) {
                v = f.type() instanceof ValueType.PathType ? ConfigPath.of(".", base) : "unnamed";
            }
            complete.put(f.key(), v);
        }
        return complete;
    }

    private static String readText(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserException("config file not found: " + file
                    + " (check the path; example configs are in resources/configs/)");
        }
        try {
            if (Files.size(file) > YamlConfigReader.MAX_CHARS * 4L) {
                throw new UserException(file + " is too large to be a config (" + Files.size(file) + " bytes)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException(file + " is not UTF-8 text; save it as UTF-8", e);
        } catch (IOException e) {
            throw new UserException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }
}
