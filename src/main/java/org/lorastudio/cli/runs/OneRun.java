package org.lorastudio.cli.runs;

import org.lorastudio.run.RunFolder;

import picocli.CommandLine.Parameters;

/** {@code [--runs-dir DIR] RUN}: the one run a subcommand works on (show, export, commit, history). */
final class OneRun extends RunsContext {
    @Parameters(paramLabel = "RUN", description = "Run id, a unique part of one, or a run folder.")
    String run;

    RunFolder folder() {
        return catalog().resolve(run);
    }
}
