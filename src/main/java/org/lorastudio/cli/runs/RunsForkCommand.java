package org.lorastudio.cli.runs;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.lorastudio.notes.RunNotes;
import org.lorastudio.notes.RunPlanner;
import org.lorastudio.run.RunFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runs fork RUN [--set key=value ...]}. */
@Command(name = "fork", mixinStandardHelpOptions = true,
        description = "Plan a new run from a past one plus changes; the notes list the changed keys.")
final class RunsForkCommand implements Callable<Integer> {
    @Mixin
    RunsContext runs;

    @Parameters(paramLabel = "RUN", description = "The run to start from: id, unique part of one, or folder.")
    String run;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change a key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        RunFolder from = runs.catalog().resolve(run);
        RunFolder child = RunPlanner.fork(from, overrides, Instant.now());
        PrintWriter out = runs.out();
        List<String> keys = RunNotes.configChanges(child).keys();
        out.println("forked " + from.id() + " as " + child.id() + (keys.isEmpty() ? " (same config)"
                : " (changed: " + String.join(", ", keys) + ")"));
        out.println(child.dir());
        return 0;
    }
}
