package org.lorastudio.dataset;

import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Structural checks that catch damaged files decoders accept. ImageIO's PNG reader does not need the IEND chunk
 * and its JPEG reader fills a cut-off scan with grey after a mere warning, so a half-copied file would train as a
 * half-grey image. These checks walk the container structure only (no pixel decoding): PNG chunk lengths and
 * CRCs up to IEND, JPEG segments and scans up to the EOI marker (data after EOI, as in motion photos, is allowed),
 * the RIFF length of WebP and the file length stored in a BMP header.
 */
final class ImageIntegrity {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private ImageIntegrity() {
    }

    /** A structural defect: its kind (truncated or otherwise corrupt) and what exactly is wrong. */
    record Damage(ProblemKind kind, String detail) {
        static Damage truncated(String detail) {
            return new Damage(ProblemKind.TRUNCATED_IMAGE, detail);
        }
    }

    /** The defect found in {@code b}, judged by content (magic bytes); empty when the structure is sound. */
    static Optional<Damage> check(byte[] b) {
        if (startsWith(b, PNG_SIGNATURE)) {
            return png(b);
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return jpeg(b);
        }
        if (b.length >= 12 && startsWith(b, "RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            long riff = u32le(b, 4);
            return 8 + riff > b.length ? Optional.of(Damage.truncated("the RIFF header announces " + (8 + riff)
                    + " bytes, the file has " + b.length)) : Optional.empty();
        }
        if (b.length >= 14 && b[0] == 'B' && b[1] == 'M') {
            long size = u32le(b, 2);
            long pixelOffset = u32le(b, 10);
            if (size > b.length || pixelOffset >= b.length) {
                return Optional.of(Damage.truncated("the BMP header announces " + Math.max(size, pixelOffset + 1)
                        + " bytes, the file has " + b.length));
            }
        }
        return Optional.empty();
    }

    private static Optional<Damage> png(byte[] b) {
        int pos = PNG_SIGNATURE.length;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos + 8 > b.length) {
                return Optional.of(Damage.truncated("the file ends at byte " + b.length + " before the IEND chunk"));
            }
            long length = u32be(b, pos);
            String type = new String(b, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long end = pos + 8 + length + 4;
            if (length > Integer.MAX_VALUE || end > b.length) {
                return Optional.of(Damage.truncated("the " + type + " chunk at byte " + pos + " needs " + (end - pos)
                        + " bytes but the file ends at byte " + b.length));
            }
            crc.reset();
            crc.update(b, pos + 4, (int) length + 4);
            if (crc.getValue() != u32be(b, (int) (end - 4))) {
                return Optional.of(new Damage(ProblemKind.UNREADABLE_IMAGE, "the " + type + " chunk at byte " + pos
                        + " fails its CRC check: the file is corrupted"));
            }
            if (type.equals("IEND")) {
                return Optional.empty();
            }
            pos = (int) end;
        }
    }

    /**
     * Walks JPEG marker segments; inside entropy-coded data, {@code FF 00} is a stuffed byte and {@code FF D0..D7}
     * a restart marker. Only a missing EOI is reported; other oddities are left to the decoder, which is more
     * forgiving than a strict walk and decides whether the file is usable.
     */
    private static Optional<Damage> jpeg(byte[] b) {
        int pos = 2;
        while (pos < b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return Optional.empty();
            }
            while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                break;
            }
            int marker = b[pos++] & 0xFF;
            if (marker == 0xD9) {
                return Optional.empty();
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            if (pos + 2 > b.length) {
                break;
            }
            pos += ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            if (marker == 0xDA) {
                pos = skipEntropyCoded(b, pos);
            }
        }
        return Optional.of(Damage.truncated("the JPEG data ends at byte " + b.length + " before its end marker"));
    }

    /** Position of the next marker after a scan's entropy-coded data, or {@code b.length} when there is none. */
    private static int skipEntropyCoded(byte[] b, int pos) {
        while (pos + 1 < b.length) {
            if ((b[pos] & 0xFF) == 0xFF) {
                int next = b[pos + 1] & 0xFF;
                if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) {
                    return pos;
                }
                pos += next == 0xFF ? 1 : 2;
            } else {
                pos++;
            }
        }
        return b.length;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static long u32be(byte[] b, int i) {
        return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
    }

    private static long u32le(byte[] b, int i) {
        return ((long) (b[i + 3] & 0xFF) << 24) | ((b[i + 2] & 0xFF) << 16) | ((b[i + 1] & 0xFF) << 8) | (b[i] & 0xFF);
    }
}
