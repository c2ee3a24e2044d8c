package org.lorastudio.cli.runs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.lorastudio.archive.RunArchive;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runs git init [--no-auto-commit]}. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Make the workspace (the runs folder's parent) a Git repository that ignores weights, and"
                + " commit every finished run from now on.")
final class RunsGitInitCommand implements Callable<Integer> {
    @Mixin
    RunsContext runs;

    @Option(names = "--no-auto-commit", negatable = false,
            description = "Do not commit finished runs automatically (use 'runs commit').")
    boolean noAutoCommit;

    @Override
    public Integer call() throws IOException {
        Path ws = runs.workspace();
        boolean created = RunArchive.init(ws, !noAutoCommit);
        runs.out().println((created ? "initialized Git repository in " : "updated Git "
                + "repository in ") + ws + " (weights ignored; auto-commit of finished runs "
                + (noAutoCommit ? "off" : "on") + ")");
        return 0;
    }
}
