package org.lorastudio.config;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with a config, located as precisely as the input allows.
 *
 * @param severity   errors stop training; warnings are shown but do not
 * @param key        the config key, or "" for problems of the file as a whole (syntax errors)
 * @param line       1-based line in the file, or 0 when the problem has no line (missing key, an override)
 * @param column     1-based column for syntax errors, else 0
 * @param origin     where the value came from when not from the file: {@code --set lora_rank=0} or a preset name;
 *                   {@code null} for the file itself
 * @param value      the value found, as text; {@code null} when there is none
 * @param message    the rule and what to do, e.g. {@code must be an integer 1..1024, found 0}
 * @param suggestion the key probably meant, for unknown keys; {@code null} otherwise
 */
public record ConfigProblem(Severity severity, String key, int line, int column, String origin, String value,
                            String message, String suggestion) {

    /** Errors make a config unusable; warnings point at settings that probably do not do what was meant. */
    public enum Severity {
        ERROR,
        WARNING
    }

    /** File order: problems with a line first, by line, then the rest (missing keys, overrides) in input order. */
    static final Comparator<ConfigProblem> ORDER = Comparator.comparingInt(
            (ConfigProblem p) -> p.line() > 0 ? p.line() : Integer.MAX_VALUE).thenComparingInt(ConfigProblem::column);

    public ConfigProblem {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    static ConfigProblem error(String key, int line, String origin, String value, String message) {
        return new ConfigProblem(Severity.ERROR, key, line, 0, origin, value, message, null);
    }

    static ConfigProblem warning(String key, int line, String origin, String value, String message) {
        return new ConfigProblem(Severity.WARNING, key, line, 0, origin, value, message, null);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    public Optional<String> suggestedKey() {
        return Optional.ofNullable(suggestion);
    }

    /**
     * One line for people: {@code lora_rank: must be an integer 1..1024, found 0 (line 7)}; an override is named
     * instead of the key ({@code --set lora_rank=0: must be ...}).
     */
    public String text() {
        String subject = origin != null && origin.startsWith("--set") ? origin
                : origin != null && !key.isEmpty() ? key + " (from " + origin + ")"
                : key;
        StringBuilder sb = new StringBuilder();
        if (!subject.isEmpty()) {
            sb.append(subject).append(": ");
        }
        sb.append(message);
        if (line > 0) {
            sb.append(" (line ").append(line);
            if (column > 0) {
                sb.append(", column ").append(column);
            }
            sb.append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return (isError() ? "" : "warning: ") + text();
    }
}
