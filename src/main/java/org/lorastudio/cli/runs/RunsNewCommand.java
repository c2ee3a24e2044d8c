package org.lorastudio.cli.runs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.lorastudio.notes.MarkdownConfig;
import org.lorastudio.notes.RunPlanner;
import org.lorastudio.run.RunFolder;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code runs new --from-notes FILE}. Its {@code --runs-dir} is its own (not {@link RunsContext}'s): without one,
 * the config's {@code output_dir} comes before the default runs folder.
 */
@Command(name = "new", mixinStandardHelpOptions = true,
        description = "Plan a run from the first ```yaml block of a Markdown file (validated like a config).")
final class RunsNewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @ParentCommand
    RunsCommand parent;

    @Option(names = "--runs-dir", paramLabel = "DIR",
            description = "Runs folder (default: the config's output_dir, else the default runs folder).")
    Path runsDir;

    @Option(names = "--from-notes", required = true, paramLabel = "FILE",
            description = "Markdown file with the config in a ```yaml block; line numbers in errors are its lines.")
    Path notes;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Path dir = runsDir != null ? runsDir : parent.runsDir;
        if (dir == null) {
            dir = MarkdownConfig.load(notes, overrides).config().outputDir()
                    .map(p -> p.resolved()).orElse(parent.catalog(null).dir());
        }
        RunFolder run = RunPlanner.fromNotes(notes, dir, overrides, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        out.println("planned run " + run.id() + " from " + notes.getFileName() + "; write its goal in "
                + run.notesFile().getFileName());
        out.println(run.dir());
        return 0;
    }
}
