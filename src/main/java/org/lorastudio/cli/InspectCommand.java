package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** Placeholder: implemented by its own issue. */
@Command(name = "inspect", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class InspectCommand implements Runnable {
    @Override
    public void run() {
        throw new org.lorastudio.util.UserException("'inspect' is not implemented yet");
    }
}
