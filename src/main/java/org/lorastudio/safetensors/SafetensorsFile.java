package org.lorastudio.safetensors;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

/**
 * A strict, lazy reader of one safetensors file (format: 8-byte little-endian header length, a JSON header,
 * then the raw tensor bytes). Opening parses and validates the header only; tensor bytes are memory-mapped one
 * tensor at a time when asked for, so files larger than 2 GiB work and only requested tensors are touched.
 *
 * <p>The checks follow the reference Rust parser ({@code safetensors/src/tensor.rs}): header at most 100 MB and
 * starting with '{', valid UTF-8 JSON without duplicate keys, known dtypes, shapes whose byte size equals the
 * offsets, offsets that cover the data section exactly (no holes, no overlap, nothing past the end), metadata
 * values that are strings, and checked arithmetic throughout. Every error names the file and the tensor.
 *
 * <p>The header is read with Jackson's streaming parser straight into {@link TensorInfo}s, never into a JSON tree
 * or a {@code String}: a hostile 100 MB header of millions of tiny entries would cost several GB as a tree. With
 * streaming, memory stays within a small multiple of the header size. Nesting deeper than the format needs is
 * refused by the parser (see {@link #MAX_NESTING}) and shapes are capped at {@link #MAX_RANK} dimensions, so no
 * part of the header can make the reader recurse or allocate without bound.
 *
 * <p>Pickle-based checkpoints ({@code .ckpt}, {@code .bin}, {@code .pt}, {@code .pth}) are refused before
 * anything is read: unpickling can run arbitrary code.
 */
public final class SafetensorsFile implements Closeable {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /**
     * Deepest JSON nesting accepted. A valid header needs 3 levels (root, entry, shape array); the slack allows
     * unknown entry fields, which the reference parser ignores, without letting a hostile header nest without end.
     */
    public static final int MAX_NESTING = 32;
    /** Most dimensions a tensor may have; NumPy 2 allows 64, no model comes close. */
    public static final int MAX_RANK = 64;
    private static final String METADATA_KEY = "__metadata__";
    private static final int SIZE_BYTES = 8;

    /**
     * Duplicate keys are detected by the parser code below (to name the tensor); field names are not canonicalized
     * so a header of millions of distinct names neither fills the JVM string table nor trips Jackson's
     * hash-collision guard with an unchecked exception. String and name limits are raised to the header cap so that
     * every header the reference accepts is accepted here.
     */
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .maxNameLength((int) MAX_HEADER_BYTES)
                    .build())
            .build();

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final long fileSize;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, long fileSize,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.fileSize = fileSize;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates {@code path}; throws {@link SafetensorsException} for any malformed file. */
    public static SafetensorsFile open(Path path) throws IOException {
        refusePickle(path);
        if (Files.isDirectory(path)) {
            throw new SafetensorsException(path, "is a folder, not a safetensors file (for a diffusers model folder,"
                    + " pass the .safetensors file inside it)");
        }
        // A FIFO or device would block or stream forever; only plain files have a size to check offsets against.
        if (Files.exists(path) && !Files.isRegularFile(path)) {
            throw new SafetensorsException(path, "is not a regular file");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            SafetensorsFile f = parse(path, ch);
            ch = null;
            return f;
        } finally {
            if (ch != null) {
                ch.close();
            }
        }
    }

    /** Refuses pickle-based checkpoint formats by extension, with an explanation of what to do instead. */
    public static void refusePickle(Path path) {
        String n = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String ext : List.of(".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle")) {
            if (n.endsWith(ext)) {
                throw new SafetensorsException(path, "this is a pickle-based checkpoint (" + ext + "), which can run"
                        + " arbitrary code when loaded; LoRA Studio only reads .safetensors files. Convert it once"
                        + " with a trusted tool (e.g. the safetensors 'convert' script) or download the .safetensors"
                        + " version of the model.");
            }
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            throw new SafetensorsException(path, "file is empty (0 bytes); is the download incomplete?");
        }
        if (size < SIZE_BYTES) {
            throw new SafetensorsException(path, "file is only " + size + " bytes; a safetensors file starts with"
                    + " an 8-byte header length (is the download incomplete?)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(SIZE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        // n is unsigned in the format: a negative long is a length of 2^63 or more.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(path, "header length " + Long.toUnsignedString(n) + " bytes exceeds the"
                    + " limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file, or corrupt)");
        }
        if (n > size - SIZE_BYTES) {
            throw new SafetensorsException(path, "header length " + n + " runs past the end of the " + size
                    + "-byte file (truncated download?)");
        }
        if (n < 2) {
            throw new SafetensorsException(path, "header of " + n + " bytes is too small to hold a JSON object");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, SIZE_BYTES);
        byte[] header = headerBuf.array();
        if (header[0] != '{') {
            throw new SafetensorsException(path, "header does not start with '{' (not a safetensors file)");
        }
        checkUtf8(path, header);
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        // Parse from a UTF-8 Reader, never from the bytes: given bytes, Jackson guesses the encoding from the first
        // four, and a header that starts with '{' and three NULs would be read as UTF-32 (found by fuzzing).
        try (JsonParser p = JSON.createParser(new InputStreamReader(new ByteArrayInputStream(header),
                StandardCharsets.UTF_8))) {
            new HeaderReader(path, p).read(tensors, metadata);
        } catch (StreamConstraintsException e) {
            String problem = e.getOriginalMessage().contains("nesting depth")
                    ? "header nests JSON deeper than " + MAX_NESTING + " levels (a valid header needs 3)"
                    : "header exceeds a parser limit: " + e.getOriginalMessage();
            throw new SafetensorsException(path, problem + location(e));
        } catch (JsonParseException e) {
            throw new SafetensorsException(path, "header is not valid JSON: " + e.getOriginalMessage() + location(e));
        } catch (JsonProcessingException e) {
            // Remaining Jackson read failures, e.g. an unexpected end of input inside a value.
            throw new SafetensorsException(path, "header is not valid JSON: " + e.getOriginalMessage() + location(e));
        }
        long dataLen = size - SIZE_BYTES - n;
        checkCoverage(path, tensors, dataLen);
        return new SafetensorsFile(path, ch, SIZE_BYTES + n, size, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    /** Where in the header Jackson stopped; headers are usually one line, so the column is the byte offset + 1. */
    private static String location(JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        return loc == null || loc.getLineNr() < 1 ? "" : " (header line " + loc.getLineNr() + ", column "
                + loc.getColumnNr() + ")";
    }

    /** Validates UTF-8 in 8K-char chunks so that a 100 MB header is never copied into a String. */
    private static void checkUtf8(Path path, byte[] header) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(8192);
        CoderResult r;
        do {
            out.clear();
            r = d.decode(in, out, true);
            if (r.isError()) {
                throw new SafetensorsException(path, "header is not valid UTF-8 (bad byte sequence at header byte "
                        + in.position() + ")");
            }
        } while (r.isOverflow());
    }

    /** Reads the header's top-level object token by token; one instance per parse. */
    private static final class HeaderReader {
        private final Path path;
        private final JsonParser p;

        HeaderReader(Path path, JsonParser p) {
            this.path = path;
            this.p = p;
        }

        void read(Map<String, TensorInfo> tensors, Map<String, String> metadata) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SafetensorsException(path, "header is not a JSON object");
            }
            boolean sawMetadata = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (METADATA_KEY.equals(name)) {
                    if (sawMetadata) {
                        throw new SafetensorsException(path, "header has two __metadata__ entries");
                    }
                    sawMetadata = true;
                    readMetadata(metadata);
                } else {
                    if (tensors.containsKey(name)) {
                        throw new SafetensorsException(path, "duplicate tensor name " + SafeText.quote(name)
                                + " in the header");
                    }
                    tensors.put(name, readEntry(name));
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new SafetensorsException(path, "header is not valid JSON: unexpected " + t);
            }
            // Only whitespace (the writer's space padding) may follow the object.
            if (p.nextToken() != null) {
                throw new SafetensorsException(path, "header has content after the JSON object");
            }
        }

        private void readMetadata(Map<String, String> out) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new SafetensorsException(path, "__metadata__ is " + kind(p.currentToken())
                        + "; it must be a JSON object whose values are strings");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_STRING) {
                    throw new SafetensorsException(path, "__metadata__ value of " + SafeText.quote(key) + " is "
                            + kind(v) + "; safetensors metadata values must be strings");
                }
                if (out.put(key, p.getText()) != null) {
                    throw new SafetensorsException(path, "__metadata__ has the key " + SafeText.quote(key)
                            + " twice");
                }
            }
        }

        private TensorInfo readEntry(String name) throws IOException {
            String where = "tensor " + SafeText.quote(name) + ": ";
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new SafetensorsException(path, where + "entry is " + kind(p.currentToken())
                        + ", expected an object with dtype, shape and data_offsets");
            }
            String dtypeName = null;
            long[] shape = null;
            long[] offsets = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "dtype" -> {
                        requireOnce(where, field, dtypeName);
                        if (v != JsonToken.VALUE_STRING) {
                            throw new SafetensorsException(path, where + "dtype is " + kind(v) + ", expected a string");
                        }
                        dtypeName = p.getText();
                    }
                    case "shape" -> {
                        requireOnce(where, field, shape);
                        shape = readLongs(where, field, MAX_RANK);
                    }
                    case "data_offsets" -> {
                        requireOnce(where, field, offsets);
                        offsets = readLongs(where, field, 2);
                    }
                    // The reference parser ignores unknown fields; the nesting limit bounds what skipping costs.
                    default -> p.skipChildren();
                }
            }
            if (dtypeName == null || shape == null || offsets == null) {
                throw new SafetensorsException(path, where + "missing "
                        + (dtypeName == null ? "\"dtype\"" : shape == null ? "\"shape\"" : "\"data_offsets\""));
            }
            return entry(name, where, dtypeName, shape, offsets);
        }

        private TensorInfo entry(String name, String where, String dtypeName, long[] shape, long[] offsets) {
            String shown = SafeText.shorten(dtypeName, 40);
            DType dtype = DType.parse(dtypeName).orElseThrow(() -> new SafetensorsException(path,
                    DType.unsupportedReason(dtypeName)
                            .map(why -> where + "dtype " + shown + " is " + why + ", which LoRA Studio does not"
                                    + " support")
                            .orElseGet(() -> where + "unknown dtype '" + shown + "' (expected one of "
                                    + Arrays.toString(DType.values()) + ")")));
            if (offsets.length != 2) {
                throw new SafetensorsException(path, where + "data_offsets has " + offsets.length
                        + " entries; it must be [begin, end]");
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw new SafetensorsException(path, where + "data_offsets end " + end + " is before begin " + begin);
            }
            long numel = 1;
            long bytes;
            try {
                for (long d : shape) {
                    numel = Math.multiplyExact(numel, d);
                }
                bytes = Math.multiplyExact(numel, dtype.size());
            } catch (ArithmeticException ex) {
                throw new SafetensorsException(path, where + "the byte size of shape " + Arrays.toString(shape)
                        + " of " + dtype + " overflows 64 bits");
            }
            if (bytes != end - begin) {
                throw new SafetensorsException(path, where + "shape " + Arrays.toString(shape) + " of " + dtype
                        + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold "
                        + (end - begin));
            }
            return new TensorInfo(name, dtype, shape, begin, end);
        }

        private void requireOnce(String where, String field, Object seen) {
            if (seen != null) {
                throw new SafetensorsException(path, where + "\"" + field + "\" appears twice");
            }
        }

        /**
         * Reads an array of non-negative 64-bit integers. More than {@code max} entries is an error reported after
         * {@code max + 1} of them, so a hostile array never grows the result beyond that.
         */
        private long[] readLongs(String where, String field, int max) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new SafetensorsException(path, where + field + " is " + kind(p.currentToken())
                        + ", expected an array of integers");
            }
            long[] out = new long[Math.min(max + 1, 8)];
            int n = 0;
            JsonToken v;
            while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                if (n == max) {
                    throw new SafetensorsException(path, where + field + (max == 2
                            ? " has more than 2 entries; it must be [begin, end]"
                            : " has more than " + max + " dimensions"));
                }
                if (v != JsonToken.VALUE_NUMBER_INT) {
                    String text = v == JsonToken.VALUE_STRING ? " \"" + SafeText.shorten(p.getText(), 40) + "\""
                            : v.isScalarValue() ? " " + SafeText.shorten(p.getText(), 40) : "";
                    throw new SafetensorsException(path, where + field + " holds " + kind(v) + text
                            + "; expected a non-negative integer");
                }
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                    throw new SafetensorsException(path, where + field + " holds " + SafeText.shorten(p.getText(), 40)
                            + "; expected a non-negative integer below 2^63");
                }
                if (n == out.length) {
                    out = Arrays.copyOf(out, Math.min(max + 1, n * 2));
                }
                out[n++] = p.getLongValue();
            }
            return Arrays.copyOf(out, n);
        }

        /** A JSON token as a noun phrase for messages ("a number", "an object"). */
        private static String kind(JsonToken t) {
            if (t == null) {
                return "missing";
            }
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> t.toString();
            };
        }
    }

    private static void checkCoverage(Path path, Map<String, TensorInfo> tensors, long dataLen) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        String previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < expected) {
                throw new SafetensorsException(path, "tensor " + SafeText.quote(t.name()) + " (bytes " + t.begin()
                        + ".." + t.end() + ") overlaps tensor " + SafeText.quote(previous));
            }
            if (t.begin() > expected) {
                throw new SafetensorsException(path, "tensor " + SafeText.quote(t.name()) + " starts at byte "
                        + t.begin() + " but the previous tensor ends at " + expected + ": the data section has a hole");
            }
            if (t.end() > dataLen) {
                throw new SafetensorsException(path, "tensor " + SafeText.quote(t.name()) + " ends at data byte "
                        + t.end() + ", past the end of the data section (" + dataLen + " bytes; truncated file?)");
            }
            expected = t.end();
            previous = t.name();
        }
        if (expected != dataLen) {
            throw new SafetensorsException(path, "the data section has " + (dataLen - expected)
                    + " bytes after the last tensor that no tensor covers");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos + buf.position());
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Length of the JSON header in bytes, padding included (the data section starts at 8 + this). */
    public long headerSize() {
        return dataStart - SIZE_BYTES;
    }

    /** Tensor entries in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} map (empty when absent). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsException(path, "has no tensor named " + SafeText.quote(name));
        }
        return t;
    }

    /**
     * Memory-maps one tensor's bytes (read-only, little-endian, position 0). Each tensor gets its own mapping at a
     * {@code long} file offset, so tensors beyond the 2 GiB mark of a large file read correctly. The mapping stays
     * valid after {@link #close()}; never write into it.
     */
    public ByteBuffer map(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new SafetensorsException(path, "tensor " + SafeText.quote(name) + " is " + t.byteSize()
                    + " bytes; single tensors above 2 GiB are not supported");
        }
        if (t.byteSize() == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + t.begin(), t.byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a float tensor (F16, BF16, F32, F64) as float32 values, converting in Java. */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = info(name);
        if (!t.dtype().isFloat()) {
            throw new SafetensorsException(path, "tensor " + SafeText.quote(name) + " is " + t.dtype()
                    + ", not a float tensor");
        }
        return toFloats(t.dtype(), map(name), (int) t.numel());
    }

    /** Converts little-endian float data of the given type to float32. */
    public static float[] toFloats(DType dtype, ByteBuffer src, int numel) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[numel];
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = HalfFloats.f16ToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = HalfFloats.bf16ToFloat(b.getShort(i * 2));
                }
            }
            case F64 -> {
                for (int i = 0; i < numel; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is not a float type");
        }
        return out;
    }

    /**
     * Reads an integer tensor (I64, U64, I32, U32, I16, U16, I8, U8, BOOL) as longs. Unsigned types are widened
     * without sign; U64 values of 2^63 and above come back as their two's-complement bit pattern.
     */
    public long[] readLongs(String name) throws IOException {
        TensorInfo t = info(name);
        DType dt = t.dtype();
        if (dt.isFloat() || dt == DType.F8_E4M3 || dt == DType.F8_E5M2) {
            throw new SafetensorsException(path, "tensor " + SafeText.quote(name) + " is " + dt
                    + ", not an integer tensor");
        }
        ByteBuffer b = map(name);
        int n = (int) t.numel();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dt) {
                case I64, U64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case U32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                case I16 -> b.getShort(i * 2);
                case U16 -> Short.toUnsignedInt(b.getShort(i * 2));
                case I8 -> b.get(i);
                case U8, BOOL -> Byte.toUnsignedInt(b.get(i));
                default -> throw new IllegalStateException("unreachable: " + dt);
            };
        }
        return out;
    }

    /**
     * Total number of elements over all tensors. Cannot overflow: every element takes at least one byte of the
     * data section, which the coverage check bounds by the file size.
     */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors.values()) {
            n += t.numel();
        }
        return n;
    }

    /** Total bytes of tensor data (the data section's length). */
    public long dataSize() {
        return fileSize - dataStart;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** True if the file exists and has the {@code .safetensors} extension. */
    public static boolean isSafetensors(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors");
    }
}
