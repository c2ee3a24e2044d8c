package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

import org.lorastudio.util.AtomicFiles;

/**
 * A caption text file ({@code <image>.txt}) as text plus the byte conventions it was stored with. The text is
 * what users edit: line breaks as {@code \n}, without the final line break. The conventions (UTF-8 BOM, CRLF or
 * LF, final line break) are written back unchanged, so saving an edited caption changes only the caption bytes
 * and a file saved by Notepad stays a Notepad file.
 *
 * <p>A file with mixed line endings is written back with the ending of its first line break; {@link CaptionStore}
 * skips the write entirely when the text did not change, so such files are only normalised when really edited.
 *
 * @param text            the caption, {@code \n} line breaks, without the final line break
 * @param bom             whether the file starts with a UTF-8 byte order mark
 * @param lineEnding      the line terminator written between lines
 * @param trailingNewline whether the file ends with a line break
 */
public record CaptionFile(String text, boolean bom, LineEnding lineEnding, boolean trailingNewline) {
    /** A caption above 1 MiB is certainly not a caption (a misnamed file); refusing it keeps memory bounded. */
    public static final long MAX_BYTES = 1L << 20;

    public CaptionFile {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(lineEnding, "lineEnding");
        text = text.replace("\r\n", "\n");
    }

    /** Conventions for a caption file that does not exist yet: plain UTF-8, LF, a final line break. */
    public static CaptionFile create(String text) {
        return new CaptionFile(text, false, LineEnding.LF, true);
    }

    /**
     * Reads and decodes a caption file.
     *
     * @throws org.lorastudio.util.UserException when the file is not valid UTF-8 or too large, naming the file
     */
    public static CaptionFile read(Path file) throws IOException {
        String label = "caption file " + file;
        return decode(TextFiles.readCapped(file, MAX_BYTES, label), label);
    }

    /** Decodes caption bytes; {@code label} names the file in error messages. */
    public static CaptionFile decode(byte[] bytes, String label) {
        TextFiles.Decoded decoded = TextFiles.decodeUtf8(bytes, label);
        String raw = decoded.text();
        LineEnding ending = LineEnding.detect(raw, LineEnding.LF);
        String text = raw.replace("\r\n", "\n");
        boolean trailing = text.endsWith("\n");
        if (trailing) {
            text = text.substring(0, text.length() - 1);
        }
        return new CaptionFile(text, decoded.bom(), ending, trailing);
    }

    /** The same conventions with other text. */
    public CaptionFile withText(String newText) {
        return new CaptionFile(newText, bom, lineEnding, trailingNewline);
    }

    /** The exact bytes of the file. */
    public byte[] encode() {
        String body = lineEnding.apply(text) + (trailingNewline ? lineEnding.chars() : "");
        byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
        if (!bom) {
            return utf8;
        }
        byte[] out = new byte[utf8.length + 3];
        System.arraycopy(TextFiles.bom(), 0, out, 0, 3);
        System.arraycopy(utf8, 0, out, 3, utf8.length);
        return out;
    }

    /** Writes the file atomically (temporary file + move): a crash leaves the old or the new caption. */
    public void write(Path file) throws IOException {
        AtomicFiles.writeBytes(file, encode());
    }
}
