package org.lorastudio.cli.runs;

import java.nio.file.Path;

import org.lorastudio.archive.RunArchive;
import org.lorastudio.archive.RunExport;
import org.lorastudio.compare.Comparison;
import org.lorastudio.compare.Formats;
import org.lorastudio.notes.RunPlanner;
import org.lorastudio.report.RunReport;
import org.lorastudio.run.RunCatalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lorastudio runs}: list, show and compare past runs, plan new ones from notes or by forking, keep them in
 * Git, export and report them (SPEC §8, issue 5). A thin front end over {@link RunCatalog}, {@link Comparison},
 * {@link RunPlanner}, {@link RunArchive}, {@link RunExport} and {@link RunReport}; everything it prints goes through
 * picocli's writers. The workspace (the Git repository) is the runs folder's parent. Each subcommand is one class
 * in this package; {@link RunsContext} and {@link OneRun} are what they share.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, show, compare, plan, archive and report runs in the runs folder.",
        subcommands = {RunsListCommand.class, RunsShowCommand.class, RunsCompareCommand.class, RunsNewCommand.class,
                RunsForkCommand.class, RunsReportCommand.class, RunsExportCommand.class, RunsGitCommand.class,
                RunsCommitCommand.class, RunsHistoryCommand.class})
public final class RunsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs-dir", paramLabel = "DIR",
            description = "Runs folder (default: $LORASTUDIO_WORKSPACE/runs, else ./workspace/runs).")
    Path runsDir;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The runs folder: the subcommand's option, else this command's, else the default. */
    RunCatalog catalog(Path subOption) {
        Path dir = subOption != null ? subOption : runsDir;
        if (dir == null) {
            dir = RunCatalog.defaultRunsDir(System.getenv(), Path.of("").toAbsolutePath());
        }
        return new RunCatalog(dir);
    }

    /** The workspace: the runs folder's parent, where {@code runs git init} makes the repository. */
    Path workspace(Path subOption) {
        return catalog(subOption).dir().toAbsolutePath().normalize().getParent();
    }

    /** Bytes in a unit people read ({@code 12.3 MB}), or "size unknown" for a size that could not be read. */
    static String bytes(long n) {
        return n < 0 ? "size unknown" : Formats.bytes(n);
    }
}
