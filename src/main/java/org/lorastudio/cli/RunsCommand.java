package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** Placeholder: implemented by its own issue. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class RunsCommand implements Runnable {
    @Override
    public void run() {
        throw new org.lorastudio.util.UserException("'runs' is not implemented yet");
    }
}
