package org.lorastudio.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The crafted files under {@code src/test/resources/safetensors/}: {@code hostile/} must be refused with a
 * {@link SafetensorsException} whose message holds every listed fragment, {@code valid/} holds legal edge cases
 * that must be accepted. The files are committed; {@link HostileCorpusTest} checks they still equal what this
 * class generates, and {@link #main} rewrites them:
 * {@code java -cp target/test-classes:target/classes org.lorastudio.safetensors.HostileCorpus
 * src/test/resources/safetensors}.
 */
public final class HostileCorpus {
    /** One crafted file: its name, its bytes and the message fragments a refusal must contain. */
    public record Case(String file, byte[] bytes, List<String> fragments) {
    }

    private HostileCorpus() {
    }

    /** Files that must be refused. */
    public static List<Case> hostile() {
        List<Case> c = new ArrayList<>();
        c.add(of("header-too-large.safetensors", withLength(100_000_001L, ascii("{}")), "exceeds", "100000000"));
        c.add(of("header-length-sign-bit.safetensors", withLength(Long.MIN_VALUE, ascii("{}")),
                "9223372036854775808", "exceeds"));
        c.add(of("header-past-eof.safetensors", withLength(1000, ascii("{\"a\": 1}")), "runs past the end"));
        c.add(of("too-short.safetensors", new byte[] {1, 0, 0, 0, 0}, "only 5 bytes"));
        c.add(of("empty.safetensors", new byte[0], "empty"));
        c.add(of("header-not-object.safetensors", file("[1, 2]", 0), "does not start with '{'"));
        c.add(of("invalid-json.safetensors", file("{\"w\": {\"dtype\": \"F32\",", 0), "not valid JSON"));
        byte[] badUtf8 = concat(ascii("{\"w"), new byte[] {(byte) 0xC3, (byte) 0x28},
                ascii("\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}}"));
        c.add(of("invalid-utf8.safetensors", concat(withLength(badUtf8.length, badUtf8), new byte[1]),
                "not valid UTF-8", "header byte 3"));
        c.add(of("header-nul-padded.safetensors", concat(withLength(8, concat(ascii("{}"), new byte[6]))),
                "not valid JSON", "code 0"));
        c.add(of("trailing-json-value.safetensors", file("{} {}", 0), "content after the JSON object"));
        c.add(of("duplicate-name.safetensors", file("{\"w\": " + entry("F32", "[1]", 0, 4) + ", \"w\": "
                + entry("F32", "[1]", 4, 8) + "}", 8), "duplicate tensor name", "'w'"));
        c.add(of("duplicate-field.safetensors", file("{\"w\": {\"dtype\": \"F32\", \"dtype\": \"F16\","
                + " \"shape\": [1], \"data_offsets\": [0, 4]}}", 4), "'w'", "\"dtype\" appears twice"));
        c.add(of("duplicate-metadata-key.safetensors", file("{\"__metadata__\": {\"k\": \"a\", \"k\": \"b\"}}", 0),
                "'k'", "twice"));
        c.add(of("two-metadata-entries.safetensors", file("{\"__metadata__\": {}, \"__metadata__\": {}}", 0),
                "two __metadata__"));
        c.add(of("unknown-dtype.safetensors", file("{\"w\": " + entry("F17", "[1]", 0, 4) + "}", 4),
                "'w'", "unknown dtype 'F17'"));
        c.add(of("sub-byte-dtype.safetensors", file("{\"w\": " + entry("F4", "[2]", 0, 1) + "}", 1),
                "'w'", "F4", "sub-byte"));
        c.add(of("dtype-not-string.safetensors", file("{\"w\": {\"dtype\": 4, \"shape\": [1],"
                + " \"data_offsets\": [0, 4]}}", 4), "'w'", "dtype is a number"));
        c.add(of("missing-offsets.safetensors", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", 4),
                "'w'", "missing \"data_offsets\""));
        c.add(of("entry-not-object.safetensors", file("{\"w\": [0, 4]}", 4), "'w'", "entry is an array"));
        c.add(of("negative-shape.safetensors", file("{\"w\": " + entry("F32", "[-1]", 0, 4) + "}", 4),
                "'w'", "shape", "-1", "non-negative"));
        c.add(of("float-shape.safetensors", file("{\"w\": " + entry("F32", "[2.0]", 0, 8) + "}", 8),
                "'w'", "shape holds a number 2.0"));
        c.add(of("string-shape.safetensors", file("{\"w\": " + entry("F32", "[\"2\"]", 0, 8) + "}", 8),
                "'w'", "shape holds a string \"2\""));
        c.add(of("shape-not-array.safetensors", file("{\"w\": " + entry("F32", "2", 0, 8) + "}", 8),
                "'w'", "shape is a number"));
        c.add(of("shape-rank-65.safetensors", file("{\"w\": " + entry("F32", ones(65), 0, 4) + "}", 4),
                "'w'", "more than 64 dimensions"));
        c.add(of("shape-size-mismatch.safetensors", file("{\"w\": " + entry("F32", "[3]", 0, 8) + "}", 8),
                "'w'", "needs 12 bytes", "hold 8"));
        c.add(of("end-before-begin.safetensors", file("{\"w\": " + entry("F32", "[1]", 8, 4) + "}", 8),
                "'w'", "end 4 is before begin 8"));
        c.add(of("overlapping-offsets.safetensors", file("{\"a\": " + entry("F32", "[2]", 0, 8) + ", \"b\": "
                + entry("F32", "[2]", 4, 12) + "}", 12), "'b'", "overlaps", "'a'"));
        c.add(of("hole-between-tensors.safetensors", file("{\"a\": " + entry("F32", "[1]", 0, 4) + ", \"b\": "
                + entry("F32", "[1]", 8, 12) + "}", 12), "'b'", "hole"));
        c.add(of("trailing-bytes.safetensors", file("{\"a\": " + entry("F32", "[1]", 0, 4) + "}", 8),
                "4 bytes after the last tensor"));
        c.add(of("tensor-past-eof.safetensors", file("{\"a\": " + entry("F32", "[2]", 0, 8) + "}", 4),
                "'a'", "past the end"));
        c.add(of("metadata-number.safetensors", file("{\"__metadata__\": {\"ss_network_dim\": 4}}", 0),
                "'ss_network_dim'", "is a number", "must be strings"));
        c.add(of("metadata-nested.safetensors", file("{\"__metadata__\": {\"k\": {\"x\": \"y\"}}}", 0),
                "'k'", "is an object"));
        c.add(of("metadata-not-object.safetensors", file("{\"__metadata__\": \"x\"}", 0),
                "__metadata__ is a string", "must be a JSON object"));
        c.add(of("shape-overflow.safetensors", file("{\"w\": " + entry("U8", "[4294967296, 4294967296]", 0, 1)
                + "}", 1), "'w'", "overflows 64 bits"));
        c.add(of("offset-beyond-2pow63.safetensors", file("{\"w\": " + entry("U8", "[1]", 0,
                "9223372036854775808") + "}", 1), "'w'", "9223372036854775808", "below 2^63"));
        c.add(of("three-offsets.safetensors", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1],"
                + " \"data_offsets\": [0, 4, 8]}}", 8), "'w'", "data_offsets", "[begin, end]"));
        c.add(of("one-offset.safetensors", file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1],"
                + " \"data_offsets\": [0]}}", 4), "'w'", "1 entries", "[begin, end]"));
        c.add(of("deep-nesting.safetensors", file("{\"w\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\":"
                + " [0, 1], \"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}}", 1), "deeper than 32 levels"));
        c.add(of("control-chars-in-name.safetensors", file("{\"evil\\n\\u001b[2J\\u202e\": "
                + entry("F32", "[2]", 0, 4) + "}", 4), "'evil\\u000A\\u001B[2J\\u202E'", "needs 8 bytes"));
        return c;
    }

    /** Legal edge cases that must be accepted (checked one by one in {@link HostileCorpusTest}). */
    public static List<Case> valid() {
        List<Case> c = new ArrayList<>();
        c.add(of("scalar-0d.safetensors", file("{\"alpha\": " + entry("F32", "[]", 0, 4) + "}",
                floats(2.5f))));
        c.add(of("empty-tensor.safetensors", file("{\"e\": " + entry("F32", "[0, 3]", 0, 0) + ", \"z\": "
                + entry("I64", "[4, 0]", 4, 4) + ", \"a\": " + entry("F32", "[1]", 0, 4) + "}", floats(7f))));
        c.add(of("no-tensors.safetensors", file("{}", 0)));
        c.add(of("metadata-only.safetensors", file("{\"__metadata__\": {\"format\": \"pt\"}}", 0)));
        c.add(of("header-space-padded.safetensors", file("{\"a\": " + entry("F32", "[1]", 0, 4) + "}"
                + " ".repeat(37), floats(1f))));
        // Keys in any order: tensors listed against data order, metadata last, entry fields shuffled.
        c.add(of("any-order.safetensors", file("{\"b\": {\"data_offsets\": [4, 8], \"shape\": [1], \"dtype\":"
                + " \"F32\"}, \"a\": {\"shape\": [1], \"dtype\": \"F32\", \"data_offsets\": [0, 4]},"
                + " \"__metadata__\": {\"k\": \"v\"}}", floats(1f, 2f))));
        // The reference parser ignores unknown entry fields; so do we.
        c.add(of("extra-entry-field.safetensors", file("{\"a\": {\"dtype\": \"F32\", \"shape\": [1],"
                + " \"data_offsets\": [0, 4], \"note\": {\"x\": [1, 2]}}}", floats(3f))));
        return c;
    }

    /** Regenerates both folders under {@code args[0]} (e.g. {@code src/test/resources/safetensors}). */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        write(root.resolve("hostile"), hostile());
        write(root.resolve("valid"), valid());
    }

    private static void write(Path dir, List<Case> cases) throws IOException {
        Files.createDirectories(dir);
        for (Case c : cases) {
            Files.write(dir.resolve(c.file()), c.bytes());
        }
    }

    private static Case of(String name, byte[] bytes, String... fragments) {
        return new Case(name, bytes, List.of(fragments));
    }

    private static String entry(String dtype, String shape, long begin, Object end) {
        return "{\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": [" + begin + ", " + end
                + "]}";
    }

    private static String ones(int n) {
        return "[" + String.join(", ", java.util.Collections.nCopies(n, "1")) + "]";
    }

    /** A file with the given header (space-padded to 8 bytes, as writers do) and zeroed data. */
    private static byte[] file(String header, int dataLen) {
        return file(header, new byte[dataLen]);
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = ascii(header);
        int padded = (h.length + 7) / 8 * 8;
        byte[] hp = new byte[padded];
        java.util.Arrays.fill(hp, (byte) ' ');
        System.arraycopy(h, 0, hp, 0, h.length);
        return concat(withLength(padded, hp), data);
    }

    private static byte[] withLength(long n, byte[] rest) {
        return concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array(), rest);
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
