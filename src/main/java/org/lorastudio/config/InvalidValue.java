package org.lorastudio.config;

/**
 * A value that does not fit its field; {@link #getMessage()} is the complete rule sentence
 * ({@code must be an integer 1..1024, found 0}) and {@link #found()} the offending value as text.
 */
final class InvalidValue extends Exception {
    private static final long serialVersionUID = 1L;
    private final String found;

    InvalidValue(String message, String found) {
        super(message, null, false, false);
        this.found = found;
    }

    /** The standard sentence: {@code must be <rule>, found <found>[; <advice>]}. */
    static InvalidValue of(ValueType type, String found, String advice) {
        return new InvalidValue("must be " + type.rule() + ", found " + found
                + (advice == null || advice.isEmpty() ? "" : "; " + advice), found);
    }

    String found() {
        return found;
    }
}
