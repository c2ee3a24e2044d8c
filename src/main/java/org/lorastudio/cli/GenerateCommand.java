package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** Placeholder: implemented by its own issue. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class GenerateCommand implements Runnable {
    @Override
    public void run() {
        throw new org.lorastudio.util.UserException("'generate' is not implemented yet");
    }
}
