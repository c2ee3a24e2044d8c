package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Puts the file into an I/O error's message. A full disk or a read-only folder surfaces as a bare
 * {@code "No space left on device"} from the write call, which names nothing; the user needs to know which file of
 * the run could not be written (SPEC §10: a clear message naming the file).
 */
public final class FileErrors {
    private FileErrors() {
    }

    /** A write action that may fail. */
    @FunctionalInterface
    public interface IoAction {
        void run() throws IOException;
    }

    /** Runs {@code action}; an {@link IOException} comes back as "could not write FILE: reason". */
    public static void writing(Path file, IoAction action) throws IOException {
        try {
            action.run();
        } catch (IOException e) {
            throw naming(file, e);
        }
    }

    /** {@code e} if its message already names {@code file}, else a new exception that does (with {@code e} as cause). */
    public static IOException naming(Path file, IOException e) {
        String message = e.getMessage();
        if (message != null && message.startsWith("could not write ")) {
            return e;
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : message == null ? e.getClass().getSimpleName() : message;
        return new IOException("could not write " + file + ": " + reason, e);
    }
}
