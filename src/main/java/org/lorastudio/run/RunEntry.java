package org.lorastudio.run;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One run in a listing. A run whose {@code run.json} cannot be read is still listed, with {@code record} null
 * and {@code problem} saying why, so that one damaged folder never hides the others.
 *
 * @param dir the run folder
 * @param id the folder name
 * @param record the run's record, or null when unreadable
 * @param problem why the record could not be read, or null
 */
public record RunEntry(Path dir, RunId id, RunRecord record, String problem) {
    /** Label shown in place of a status for unreadable runs. */
    public static final String UNREADABLE = "unreadable";

    public RunEntry {
        if ((record == null) == (problem == null)) {
            throw new IllegalArgumentException("a run entry has either a record or a problem");
        }
    }

    public boolean isReadable() {
        return record != null;
    }

    public Optional<RunRecord> readable() {
        return Optional.ofNullable(record);
    }

    /** The status label, or {@value #UNREADABLE}. */
    public String statusLabel() {
        return record != null ? record.status().label() : UNREADABLE;
    }

    /** The folder, for reading notes, config and metrics. */
    public RunFolder folder() {
        return RunFolder.open(dir);
    }
}
