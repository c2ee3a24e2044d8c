package org.lorastudio.safetensors;

import java.nio.file.Path;

import org.lorastudio.util.UserException;

/**
 * A safetensors file is malformed or cannot be used. The message is one line, {@code <file name>: <problem>}, and
 * names the tensor where there is one; text copied from the file is escaped so that it can never break the line.
 */
public final class SafetensorsException extends UserException {
    private static final long serialVersionUID = 1L;

    SafetensorsException(Path file, String problem) {
        super(message(file, problem));
    }

    SafetensorsException(Path file, String problem, Throwable cause) {
        super(message(file, problem), cause);
    }

    private static String message(Path file, String problem) {
        Path name = file.getFileName();
        return SafeText.oneLine((name == null ? file : name) + ": " + problem);
    }
}
