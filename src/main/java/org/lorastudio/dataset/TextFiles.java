package org.lorastudio.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lorastudio.util.UserException;

/**
 * Strict UTF-8 text file reading shared by caption and metadata files. Invalid bytes are an error that names the
 * file, the line and the byte offset: silently replacing them with U+FFFD would corrupt the caption the next
 * time it is saved.
 */
final class TextFiles {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private TextFiles() {
    }

    /** Decoded file content without the BOM, and whether there was one. */
    record Decoded(String text, boolean bom) {
    }

    /** Reads at most {@code maxBytes}; a larger file is an error rather than an out-of-memory risk. */
    static byte[] readCapped(Path file, long maxBytes, String label) throws IOException {
        // refuse by size first: reading maxBytes + 1 bytes to find out would allocate them all
        if (Files.isRegularFile(file) && Files.size(file) > maxBytes) {
            throw tooLarge(maxBytes, label);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes, label);
            }
            return bytes;
        }
    }

    private static UserException tooLarge(long maxBytes, String label) {
        return new UserException(label + " is larger than " + (maxBytes >> 20)
                + " MiB, too large for a caption or metadata file; check that it is the right file");
    }

    /** Decodes strictly, stripping and remembering a leading UTF-8 BOM. */
    static Decoded decodeUtf8(byte[] bytes, String label) {
        boolean bom = bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2];
        int start = bom ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw invalid(bytes, in.position(), label);
        }
        result = decoder.flush(out);
        if (result.isError()) {
            throw invalid(bytes, in.position(), label);
        }
        out.flip();
        return new Decoded(out.toString(), bom);
    }

    static byte[] bom() {
        return BOM.clone();
    }

    private static UserException invalid(byte[] bytes, int offset, String label) {
        int line = 1;
        for (int i = 0; i < offset && i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        String found = offset < bytes.length
                ? String.format("byte 0x%02X", bytes[offset] & 0xFF) : "a cut-off character";
        return new UserException(label + " is not valid UTF-8 (" + found + " at offset " + offset + ", line " + line
                + "); re-save it as UTF-8 in a text editor");
    }
}
