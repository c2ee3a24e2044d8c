package org.lorastudio.util;

/**
 * A problem caused by the user's input (a file, a key, a path): its message is one plain sentence that names
 * what is wrong and what to do, and is shown without a stack trace by every front end.
 */
public class UserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
