package org.lorastudio.cli.runs;

import java.io.PrintWriter;
import java.nio.file.Path;

import org.lorastudio.run.RunCatalog;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code --runs-dir} option every {@code runs} subcommand accepts (overrides the parent's and the default), and
 * what a subcommand gets from its place under {@code runs}: the catalog, the workspace and picocli's writers.
 */
class RunsContext {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--runs-dir", paramLabel = "DIR", description = "Runs folder (overrides the default).")
    Path runsDir;

    RunCatalog catalog() {
        return runsCommand().catalog(runsDir);
    }

    Path workspace() {
        return runsCommand().workspace(runsDir);
    }

    PrintWriter out() {
        return mixee.commandLine().getOut();
    }

    PrintWriter err() {
        return mixee.commandLine().getErr();
    }

    /** The {@code runs} command above this subcommand ({@code runs git init} sits two levels down). */
    private RunsCommand runsCommand() {
        for (CommandSpec s = mixee.parent(); s != null; s = s.parent()) {
            if (s.userObject() instanceof RunsCommand runs) {
                return runs;
            }
        }
        throw new IllegalStateException(mixee.qualifiedName() + " is not a subcommand of 'runs'");
    }
}
