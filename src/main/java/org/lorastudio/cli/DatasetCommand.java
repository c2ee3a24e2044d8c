package org.lorastudio.cli;

import picocli.CommandLine.Command;

/** Placeholder: implemented by its own issue. */
@Command(name = "dataset", mixinStandardHelpOptions = true, description = "(not implemented yet)")
final class DatasetCommand implements Runnable {
    @Override
    public void run() {
        throw new org.lorastudio.util.UserException("'dataset' is not implemented yet");
    }
}
