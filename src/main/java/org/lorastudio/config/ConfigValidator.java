package org.lorastudio.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a typed config against the descriptors' ranges and the {@link ConfigRules}. The YAML loader runs the range
 * checks while parsing (so it can point at lines); this class serves configs built in code (form, presets) and the
 * cross-field rules for both.
 */
final class ConfigValidator {
    /** Where a key's value came from, so a problem can name a line or an override. */
    record Location(int line, String origin) {
        static final Location NONE = new Location(0, null);
    }

    /** Finds the location of a key. */
    @FunctionalInterface
    interface Locator {
        Locator NONE = key -> Location.NONE;

        Location locate(String key);
    }

    private ConfigValidator() {
    }

    /** Range problems of every key, then the cross-field rules. */
    static List<ConfigProblem> validate(TrainingConfig config, Locator locator) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigField f : ConfigFields.all()) {
            Object v = config.get(f.key());
            Optional<String> problem = v == null ? Optional.empty() : f.type().check(v);
            problem.ifPresent(message -> problems.add(problem(ConfigProblem.Severity.ERROR, f.key(), v, message,
                    locator)));
        }
        Set<String> bad = Set.copyOf(problems.stream().map(ConfigProblem::key).toList());
        problems.addAll(crossCheck(config, bad, locator));
        return List.copyOf(problems);
    }

    /**
     * The cross-field rules and the not-used-by-this-model-type warnings.
     *
     * @param unusable keys whose values are placeholders because they had their own problem; rules reading them
     *                 are skipped so that one mistake is not reported twice
     */
    static List<ConfigProblem> crossCheck(TrainingConfig config, Set<String> unusable, Locator locator) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (ConfigRules.Rule rule : ConfigRules.ALL) {
            if (rule.involves().stream().noneMatch(unusable::contains)) {
                rule.check().apply(config).ifPresent(message -> problems.add(
                        problem(rule.severity(), rule.key(), config.get(rule.key()), message, locator)));
            }
        }
        if (!unusable.contains("model_type")) {
            for (ConfigField f : ConfigFields.all()) {
                Object v = config.get(f.key());
                if (!f.appliesTo(config.modelType()) && !unusable.contains(f.key()) && v != null
                        && !Objects.equals(v, f.defaultValue())) {
                    problems.add(problem(ConfigProblem.Severity.WARNING, f.key(), v, "is not used when model_type is "
                            + config.modelType().yamlName() + "; remove it", locator));
                }
            }
        }
        return problems;
    }

    private static ConfigProblem problem(ConfigProblem.Severity severity, String key, Object value, String message,
                                         Locator locator) {
        Location at = locator.locate(key);
        String shown = value == null ? null : ConfigFields.get(key).type().display(value);
        return new ConfigProblem(severity, key, at.line(), 0, at.origin(), shown, message, null);
    }
}
