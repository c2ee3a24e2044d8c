package org.lorastudio.dataset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import javax.imageio.ImageIO;

/** Builds real image files for tests with ImageIO, and damages them. */
final class TestImages {
    private TestImages() {
    }

    /** A noisy image, so that different seeds give different bytes and PNG/JPEG data has some size. */
    static BufferedImage noise(int width, int height, long seed) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, r.nextInt(0x1000000));
            }
        }
        return img;
    }

    static Path png(Path file, int width, int height, long seed) {
        return write(file, "png", width, height, seed);
    }

    static Path jpeg(Path file, int width, int height, long seed) {
        return write(file, "jpeg", width, height, seed);
    }

    static Path bmp(Path file, int width, int height, long seed) {
        return write(file, "bmp", width, height, seed);
    }

    private static Path write(Path file, String format, int width, int height, long seed) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(noise(width, height, seed), format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps only the first {@code keep} bytes of a file. */
    static Path truncate(Path file, int keep) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, keep));
        return file;
    }

    /**
     * A lossless WebP (VP8L) of one solid colour, written by hand because ImageIO has no WebP writer. With every
     * prefix code holding a single symbol, each pixel costs zero bits, so the bitstream is just the header and
     * five "simple" prefix codes (WebP lossless bitstream specification, RFC 9649 §3 and §6.2).
     */
    static Path webp(Path file, int width, int height, int argb) throws IOException {
        BitWriter bits = new BitWriter();
        bits.write(0x2F, 8); // VP8L signature
        bits.write(width - 1, 14);
        bits.write(height - 1, 14);
        bits.write(1, 1); // alpha is used
        bits.write(0, 3); // version
        bits.write(0, 1); // no transform
        bits.write(0, 1); // no colour cache
        bits.write(0, 1); // no meta prefix codes
        int[] symbols = {(argb >> 8) & 0xFF, (argb >> 16) & 0xFF, argb & 0xFF, (argb >>> 24) & 0xFF, 0};
        for (int symbol : symbols) { // green, red, blue, alpha, distance
            bits.write(1, 1); // simple code
            bits.write(0, 1); // one symbol
            bits.write(1, 1); // 8-bit symbol
            bits.write(symbol, 8);
        }
        byte[] data = bits.toByteArray();
        int pad = data.length % 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("RIFF".getBytes(StandardCharsets.US_ASCII));
        writeLe32(out, 4 + 8 + data.length + pad);
        out.write("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
        writeLe32(out, data.length);
        out.write(data);
        if (pad == 1) {
            out.write(0);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, out.toByteArray());
        return file;
    }

    private static void writeLe32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    /** Packs bits least significant first, as VP8L reads them. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int acc;
        private int count;

        void write(int value, int n) {
            for (int i = 0; i < n; i++) {
                acc |= ((value >>> i) & 1) << count;
                if (++count == 8) {
                    out.write(acc);
                    acc = 0;
                    count = 0;
                }
            }
        }

        byte[] toByteArray() {
            if (count > 0) {
                out.write(acc);
                acc = 0;
                count = 0;
            }
            return out.toByteArray();
        }
    }
}
