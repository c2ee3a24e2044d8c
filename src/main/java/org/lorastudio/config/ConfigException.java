package org.lorastudio.config;

import java.util.List;
import java.util.stream.Collectors;

import org.lorastudio.util.UserException;

/**
 * A config that cannot be used, with every problem found (all at once, so the user fixes them in one pass). The
 * message has one line per error, each prefixed with the file name, so the CLI prints it as is; warnings are kept in
 * {@link #problems()} but left out of the message, which is about why the config was refused.
 */
public final class ConfigException extends UserException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<ConfigProblem> problems;

    /**
     * @param source   the file name (or other origin, such as a preset) the problems are in
     * @param problems every problem, errors and warnings; at least one must be an error
     */
    public ConfigException(String source, List<ConfigProblem> problems) {
        super(format(source, problems.stream().filter(ConfigProblem::isError).toList()));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    public String source() {
        return source;
    }

    /** Every problem, errors and warnings, in file order. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    public List<ConfigProblem> errors() {
        return problems.stream().filter(ConfigProblem::isError).toList();
    }

    /** The problems as lines {@code <source>: <problem>}. */
    static String format(String source, List<ConfigProblem> problems) {
        return problems.stream()
                .map(p -> source + ": " + p.text())
                .collect(Collectors.joining("\n"));
    }
}
