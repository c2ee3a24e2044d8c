package org.lorastudio.reliability.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, havoc-style mutator in the manner of AFL/libFuzzer: each new input is a corpus entry with one to five
 * stacked mutations (bit flips, byte sets, inserts, deletes, duplicated chunks, splices with another entry,
 * "interesting" integers written in binary and in decimal, invalid UTF-8, dictionary tokens, truncation). The same
 * seed gives the same inputs, so every failure found is reproducible from its printed seed and index.
 *
 * <p>Inputs never grow beyond {@link #maxLength}: the point is hostile structure, not size; size caps are tested
 * by hand-written cases.
 */
final class Mutator {
    /** Values that sit on the edges of signed and unsigned 8/16/32/64-bit ranges and of typical size limits. */
    static final long[] INTERESTING = {0, 1, -1, 2, 7, 8, 16, 64, 100, 127, 128, 255, 256, 1023, 1024, 4096, 32767,
        32768, 65535, 65536, 100_000_000, 100_000_001, Integer.MAX_VALUE, 1L << 31, 0xFFFF_FFFFL, 1L << 32,
        1L << 53, 1L << 60, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, -2};
    /** The same in decimal text, plus forms a lenient parser might accept. */
    static final String[] INTERESTING_TEXT = {"0", "-0", "1", "-1", "2", "007", "1.5", "1e3", "1e309", "-1e309", "NaN",
        "Infinity", "-Infinity", "0x10", "2147483647", "2147483648", "-2147483649", "4294967296",
        "9223372036854775807", "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "1152921504606846976", "99999999999999999999999999999999", "1_000", "+5", ".5", "5.", "1e-400", ""};
    /** Byte sequences that break or stretch UTF-8 decoders. */
    private static final byte[][] ODD_UTF8 = {
        {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80,
            (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, {(byte) 0xE2, (byte) 0x80, (byte) 0xAE},
        {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {0},
        {(byte) 0xE3, (byte) 0x80, (byte) 0x80}, {(byte) 0xCC, (byte) 0x81}, {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD},
        {(byte) 0xE2, (byte) 0x80, (byte) 0xA8}, {(byte) 0xC2, (byte) 0x85}, {(byte) 0xF0}};

    private static final String SEPARATORS = "\"{}[],:\n\r\\ '\t#-";

    private final SplittableRandom random;
    private final List<byte[]> corpus;
    private final List<byte[]> dictionary;
    private final int maxLength;

    /**
     * @param seed       the seed; equal seeds give equal input sequences
     * @param corpus     the entries mutations start from and splice with (not empty)
     * @param dictionary target-specific tokens (keywords, separators) inserted or overwritten as a whole
     * @param maxLength  the longest input produced
     */
    Mutator(long seed, List<byte[]> corpus, List<String> dictionary, int maxLength) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("a mutator needs at least one corpus entry");
        }
        this.random = new SplittableRandom(seed);
        this.corpus = List.copyOf(corpus);
        this.dictionary = dictionary.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.maxLength = maxLength;
    }

    SplittableRandom random() {
        return random;
    }

    /** A random corpus entry (not a copy). */
    byte[] pick() {
        return corpus.get(random.nextInt(corpus.size()));
    }

    /** A fresh input: a corpus entry with 1 to 5 stacked mutations. */
    byte[] next() {
        return mutate(pick().clone(), 1 + random.nextInt(5));
    }

    /** {@code rounds} stacked mutations of {@code input}. */
    byte[] mutate(byte[] input, int rounds) {
        byte[] b = input;
        for (int i = 0; i < rounds; i++) {
            b = mutateOnce(b);
            if (b.length > maxLength) {
                b = Arrays.copyOf(b, maxLength);
            }
        }
        return b;
    }

    private byte[] mutateOnce(byte[] b) {
        if (b.length == 0) {
            return insert(b, 0, randomBytes(1 + random.nextInt(8)));
        }
        int at = random.nextInt(b.length);
        switch (random.nextInt(13)) {
            case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b[at] = (byte) random.nextInt(256);
            case 2 -> b[at] = (byte) SEPARATORS.charAt(random.nextInt(SEPARATORS.length()));
            case 3 -> {
                return insert(b, random.nextInt(b.length + 1), randomBytes(1 + random.nextInt(8)));
            }
            case 4 -> {
                return delete(b, at, 1 + random.nextInt(Math.min(b.length - at, 64)));
            }
            case 5 -> {
                int len = 1 + random.nextInt(Math.min(b.length - at, 256));
                return insert(b, random.nextInt(b.length + 1), Arrays.copyOfRange(b, at, at + len));
            }
            case 6 -> {
                byte[] other = pick();
                int cut = random.nextInt(other.length + 1);
                byte[] out = Arrays.copyOf(b, at + other.length - cut);
                System.arraycopy(other, cut, out, at, other.length - cut);
                return out;
            }
            case 7 -> writeBinaryInteger(b, at);
            case 8 -> {
                return replaceNumber(b);
            }
            case 9 -> {
                return insert(b, random.nextInt(b.length + 1), ODD_UTF8[random.nextInt(ODD_UTF8.length)]);
            }
            case 10 -> {
                if (dictionary.isEmpty()) {
                    return delete(b, at, 1);
                }
                byte[] token = dictionary.get(random.nextInt(dictionary.size()));
                return random.nextBoolean() ? insert(b, random.nextInt(b.length + 1), token) : overwrite(b, at, token);
            }
            case 11 -> {
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            default -> {
                // a run of one repeated byte: long tokens, deep brackets
                byte[] run = new byte[1 + random.nextInt(random.nextInt(8) == 0 ? 2048 : 32)];
                Arrays.fill(run, random.nextBoolean() ? b[at] : (byte) "[{\"a 9.-_/".charAt(random.nextInt(10)));
                return insert(b, at, run);
            }
        }
        return b;
    }

    private void writeBinaryInteger(byte[] b, int at) {
        int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
        if (at + width > b.length) {
            return;
        }
        long v = INTERESTING[random.nextInt(INTERESTING.length)];
        ByteBuffer buf = ByteBuffer.wrap(b, at, width)
                .order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        switch (width) {
            case 1 -> buf.put((byte) v);
            case 2 -> buf.putShort((short) v);
            case 4 -> buf.putInt((int) v);
            default -> buf.putLong(v);
        }
    }

    /** Replaces one run of ASCII digits (with its sign) by an interesting decimal, or inserts one. */
    byte[] replaceNumber(byte[] b) {
        byte[] value = INTERESTING_TEXT[random.nextInt(INTERESTING_TEXT.length)].getBytes(StandardCharsets.US_ASCII);
        if (b.length == 0) {
            return value;
        }
        int start = random.nextInt(b.length);
        while (start < b.length && !isDigit(b[start])) {
            start++;
        }
        if (start == b.length) {
            return insert(b, random.nextInt(b.length + 1), value);
        }
        if (start > 0 && b[start - 1] == '-') {
            start--;
        }
        int end = start + 1;
        while (end < b.length && (isDigit(b[end]) || b[end] == '.' || b[end] == 'e')) {
            end++;
        }
        byte[] out = new byte[b.length - (end - start) + value.length];
        System.arraycopy(b, 0, out, 0, start);
        System.arraycopy(value, 0, out, start, value.length);
        System.arraycopy(b, end, out, start + value.length, b.length - end);
        return out;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    byte[] randomBytes(int n) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            // mostly printable ASCII, which text formats parse further before rejecting
            r[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 32 + random.nextInt(95));
        }
        return r;
    }

    static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    static byte[] delete(byte[] b, int at, int len) {
        byte[] out = new byte[b.length - len];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + len, out, at, b.length - at - len);
        return out;
    }

    private static byte[] overwrite(byte[] b, int at, byte[] what) {
        int n = Math.min(what.length, b.length - at);
        System.arraycopy(what, 0, b, at, n);
        return b;
    }
}
