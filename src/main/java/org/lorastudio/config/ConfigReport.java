package org.lorastudio.config;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of validating a config: every problem, and the config when there were no errors.
 *
 * @param source   the file name the problems refer to
 * @param problems errors and warnings in file order
 * @param loaded   the config, present exactly when no problem is an error
 */
public record ConfigReport(String source, List<ConfigProblem> problems, Optional<LoadedConfig> loaded) {
    public ConfigReport {
        problems = List.copyOf(problems);
        if (loaded.isPresent() == problems.stream().anyMatch(ConfigProblem::isError)) {
            throw new IllegalArgumentException("a config is loaded exactly when there are no errors");
        }
    }

    public boolean hasErrors() {
        return loaded.isEmpty();
    }

    public List<ConfigProblem> errors() {
        return problems.stream().filter(ConfigProblem::isError).toList();
    }

    public List<ConfigProblem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /**
     * The loaded config.
     *
     * @throws ConfigException with every problem when there are errors
     */
    public LoadedConfig orThrow() {
        return loaded.orElseThrow(() -> new ConfigException(source, problems));
    }
}
