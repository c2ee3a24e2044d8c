package org.lorastudio.safetensors;

import java.nio.file.Path;

import org.lorastudio.util.UserException;

/** A safetensors file is malformed or cannot be used; the message names the file and, where known, the tensor. */
public final class SafetensorsException extends UserException {
    private static final long serialVersionUID = 1L;

    SafetensorsException(Path file, String problem) {
        super(file.getFileName() + ": " + problem);
    }

    SafetensorsException(Path file, String problem, Throwable cause) {
        super(file.getFileName() + ": " + problem, cause);
    }
}
