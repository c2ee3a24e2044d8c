package org.lorastudio.util;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads configuration text (JSON, YAML) strictly as UTF-8. Handing a {@code File} to Jackson lets it guess the
 * encoding from the first bytes, so a file starting with {@code '{'} and three NULs is read as UTF-32 and fails with
 * a {@code CharConversionException} that names nothing (found by fuzzing); reading the text first avoids the guess.
 */
public final class TextFiles {
    private TextFiles() {
    }

    /**
     * The whole file as UTF-8 text.
     *
     * @throws UserException naming the file when it is not valid UTF-8
     */
    public static String readUtf8(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException(file + " is not valid UTF-8 text; is it the right file?", e);
        }
    }
}
