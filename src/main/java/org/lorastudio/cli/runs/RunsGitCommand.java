package org.lorastudio.cli.runs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code runs git}: only a group for {@code runs git init}. */
@Command(name = "git", mixinStandardHelpOptions = true, description = "Keep the workspace in Git.",
        subcommands = RunsGitInitCommand.class)
final class RunsGitCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
