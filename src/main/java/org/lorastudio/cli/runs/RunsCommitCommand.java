package org.lorastudio.cli.runs;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.lorastudio.archive.RunArchive;
import org.lorastudio.run.RunFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runs commit RUN [-m MSG]}. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = "Commit a run's config, notes, run.json, metrics, samples and loss plot (never weights).")
final class RunsCommitCommand implements Callable<Integer> {
    @Mixin
    OneRun target;

    @Option(names = {"-m", "--message"}, paramLabel = "MSG",
            description = "Commit message (default: '<name>: notes updated').")
    String message;

    @Override
    public Integer call() throws IOException {
        RunFolder folder = target.folder();
        String msg = message != null ? message
                : folder.record().name() + ": notes updated\n\nRun " + folder.id() + "\n";
        PrintWriter out = target.out();
        RunArchive.commit(target.workspace(), folder, msg).ifPresentOrElse(
                c -> out.println("committed " + c.shortId() + " " + c.subject()),
                () -> out.println("nothing to commit: run " + folder.id() + " is unchanged since its last commit"));
        return 0;
    }
}
