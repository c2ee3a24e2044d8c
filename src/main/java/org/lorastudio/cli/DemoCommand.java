package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** {@code demo}: the demo's own tools; each subcommand lives in its own class. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Tools for the shipped demo (tiny model, shapes data set).",
        subcommands = {
                DemoMeasureCommand.class
        })
final class DemoCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
