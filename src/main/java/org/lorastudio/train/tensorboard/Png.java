package org.lorastudio.train.tensorboard;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Reads the size and colour type of a PNG from its header, without decoding it (W3C PNG, 3rd ed., §5.2 signature,
 * §11.2.1 IHDR): the 8-byte signature, then the first chunk, which must be {@code IHDR} of length 13:
 * {@code uint32 width, uint32 height} (big-endian, 1..2³¹−1), bit depth, colour type.
 */
final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Signature, chunk length and type, the 13 IHDR bytes and its CRC. */
    private static final int MIN_LENGTH = 8 + 4 + 4 + 13 + 4;

    /**
     * What {@code Summary.Image} needs.
     *
     * @param colorspace TensorBoard's code: 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA
     */
    record Header(int width, int height, int colorspace) {
    }

    private Png() {
    }

    /** The header of {@code png}; {@code what} names the image in errors. */
    static Header header(byte[] png, String what) {
        if (png.length < MIN_LENGTH) {
            throw new IllegalArgumentException("image " + what + " is not a PNG: " + png.length
                    + " bytes, a PNG has at least " + MIN_LENGTH);
        }
        ByteBuffer b = ByteBuffer.wrap(png); // big-endian, as PNG
        byte[] sig = new byte[8];
        b.get(sig);
        if (!Arrays.equals(sig, SIGNATURE)) {
            throw new IllegalArgumentException("image " + what + " is not a PNG: expected the signature "
                    + HexFormat.of().formatHex(SIGNATURE) + ", found " + HexFormat.of().formatHex(sig));
        }
        int length = b.getInt();
        int type = b.getInt();
        if (length != 13 || type != 0x49484452) { // "IHDR"
            throw new IllegalArgumentException("PNG " + what + " does not start with a 13-byte IHDR chunk (found "
                    + "length " + Integer.toUnsignedString(length) + ", type 0x" + Integer.toHexString(type) + ")");
        }
        int width = b.getInt();
        int height = b.getInt();
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("PNG " + what + " has size " + Integer.toUnsignedString(width) + "x"
                    + Integer.toUnsignedString(height) + "; both must be 1.." + Integer.MAX_VALUE);
        }
        b.get(); // bit depth
        int colourType = b.get();
        int colorspace = switch (colourType) {
            case 0 -> 1; // greyscale
            case 4 -> 2; // greyscale with alpha
            case 2, 3 -> 3; // truecolour, indexed (its palette is RGB)
            case 6 -> 4; // truecolour with alpha
            default -> throw new IllegalArgumentException("PNG " + what + " has colour type " + colourType
                    + "; PNG defines 0, 2, 3, 4 and 6");
        };
        return new Header(width, height, colorspace);
    }
}
