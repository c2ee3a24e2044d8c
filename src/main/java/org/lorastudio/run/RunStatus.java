package org.lorastudio.run;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a run stands; written to {@code run.json} in lower case (SPEC §5). */
public enum RunStatus {
    /**
     * Prepared but not trained yet: made by {@code runs new --from-notes} or {@code runs fork}, with its config and
     * notes in place. The trainer trains such a folder in place and sets {@code running} when it starts.
     */
    PLANNED,
    /** Written before step 1; also what a run killed without warning (crash, power loss) still says. */
    RUNNING,
    COMPLETED,
    FAILED,
    /** Stopped by the user after saving a checkpoint; can be resumed. */
    STOPPED;

    /** The name used in files and tables. */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label as written by {@link #label()}; unknown labels are an error naming the allowed ones. */
    @JsonCreator
    public static RunStatus fromLabel(String label) {
        for (RunStatus s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown run status '" + label
                + "' (expected planned, running, completed, failed or stopped)");
    }

    /** True once the trainer has finished with the run, one way or another (not while planned or running). */
    public boolean isFinished() {
        return this == COMPLETED || this == FAILED || this == STOPPED;
    }

    @Override
    public String toString() {
        return label();
    }
}
