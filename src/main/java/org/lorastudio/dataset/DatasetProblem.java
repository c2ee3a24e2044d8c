package org.lorastudio.dataset;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a dataset.
 *
 * @param kind    what is wrong; it fixes the severity
 * @param file    where: the image or caption name relative to the dataset folder ({@code 10_cat/a.png}), or a
 *                metadata file with its line ({@code metadata.csv:7})
 * @param message one plain sentence that says what is wrong and what to do
 */
public record DatasetProblem(ProblemKind kind, String file, String message) {
    /** Errors first, then by file name, then by kind: the order reports print in. */
    public static final Comparator<DatasetProblem> REPORT_ORDER = Comparator
            .comparing(DatasetProblem::severity)
            .thenComparing(DatasetProblem::file)
            .thenComparing(DatasetProblem::kind);

    public DatasetProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    public Severity severity() {
        return kind.severity();
    }

    /**
     * {@code ERROR  truncated.png: image data is truncated (...)}; warnings print as {@code WARN} so that file
     * names line up in a column.
     */
    @Override
    public String toString() {
        return String.format("%-7s%s: %s", severity() == Severity.ERROR ? "ERROR" : "WARN", file, message);
    }
}
