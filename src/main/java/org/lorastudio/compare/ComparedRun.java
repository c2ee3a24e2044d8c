package org.lorastudio.compare;

import java.util.List;

import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;

/**
 * What a comparison needs from one run, read once from its folder so that everything after is a pure function.
 *
 * @param record the run's {@code run.json}
 * @param configYaml the run's {@code config.yaml} text
 * @param metrics the run's logged points
 */
public record ComparedRun(RunRecord record, String configYaml, List<MetricPoint> metrics) {
    public ComparedRun {
        metrics = List.copyOf(metrics);
    }

    /** Reads a run folder; a {@link org.lorastudio.util.UserException} naming the file if one is unreadable. */
    public static ComparedRun load(RunFolder folder) {
        return new ComparedRun(folder.record(), folder.configText(), folder.metrics());
    }

    public String id() {
        return record.id();
    }
}
