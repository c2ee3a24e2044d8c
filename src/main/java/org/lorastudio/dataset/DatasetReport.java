package org.lorastudio.dataset;

import java.nio.file.Path;
import java.util.List;

/**
 * The result of a dataset check: every problem, errors first, and the summary. Training refuses to start while
 * {@link #hasErrors()}; warnings are shown and allowed.
 *
 * @param root       the dataset folder
 * @param resolution the training resolution images were compared against
 * @param problems   all problems in {@link DatasetProblem#REPORT_ORDER}
 * @param summary    counts, resolution histogram, caption coverage, top tags
 */
public record DatasetReport(Path root, int resolution, List<DatasetProblem> problems, DatasetSummary summary) {
    public DatasetReport {
        problems = List.copyOf(problems);
    }

    public boolean hasErrors() {
        return errorCount() > 0;
    }

    public long errorCount() {
        return problems.stream().filter(p -> p.severity() == Severity.ERROR).count();
    }

    public long warningCount() {
        return problems.stream().filter(p -> p.severity() == Severity.WARNING).count();
    }
}
