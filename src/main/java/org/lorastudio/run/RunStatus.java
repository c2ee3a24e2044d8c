package org.lorastudio.run;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a run stands; written to {@code run.json} in lower case (SPEC §5). */
public enum RunStatus {
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
                + "' (expected running, completed, failed or stopped)");
    }

    /** True once the trainer has finished with the run, one way or another. */
    public boolean isFinished() {
        return this != RUNNING;
    }

    @Override
    public String toString() {
        return label();
    }
}
