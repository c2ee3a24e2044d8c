package org.lorastudio.run;

import java.util.List;

/**
 * The runs in a runs folder, sorted by id (so by start time), and warnings about folders that are not runs.
 *
 * @param entries the runs
 * @param warnings one sentence per skipped folder
 */
public record RunListing(List<RunEntry> entries, List<String> warnings) {
    public RunListing {
        entries = List.copyOf(entries);
        warnings = List.copyOf(warnings);
    }
}
