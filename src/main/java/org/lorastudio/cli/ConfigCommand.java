package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** Placeholder: implemented by its own issue. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new org.lorastudio.util.UserException("'config' is not implemented yet");
    }
}
