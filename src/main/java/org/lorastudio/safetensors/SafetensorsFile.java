package org.lorastudio.safetensors;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

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
 * <p>Pickle-based checkpoints ({@code .ckpt}, {@code .bin}, {@code .pt}, {@code .pth}) are refused before
 * anything is read: unpickling can run arbitrary code.
 */
public final class SafetensorsFile implements Closeable {
    /** Largest header accepted, as in the reference implementation. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
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
        if (size < 8) {
            throw new SafetensorsException(path, "file is only " + size + " bytes; a safetensors file starts with"
                    + " an 8-byte header length (is the download incomplete?)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafetensorsException(path, "header length " + Long.toUnsignedString(n) + " bytes exceeds the"
                    + " limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file, or corrupt)");
        }
        if (n > size - 8) {
            throw new SafetensorsException(path, "header length " + n + " runs past the end of the " + size
                    + "-byte file (truncated download?)");
        }
        if (n < 2) {
            throw new SafetensorsException(path, "header of " + n + " bytes is too small to hold a JSON object");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8);
        byte[] header = headerBuf.array();
        if (header[0] != '{') {
            throw new SafetensorsException(path, "header does not start with '{' (not a safetensors file)");
        }
        String json = decodeUtf8(path, header);
        JsonNode root;
        try (JsonParser p = JSON.createParser(json)) {
            root = JSON.readTree(p);
            if (p.nextToken() != null) {
                throw new SafetensorsException(path, "header has trailing content after the JSON object");
            }
        } catch (JsonParseException e) {
            throw new SafetensorsException(path, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path, "header is not a JSON object");
        }
        long dataLen = size - 8 - n;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (METADATA_KEY.equals(e.getKey())) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                tensors.put(e.getKey(), readEntry(path, e.getKey(), e.getValue()));
            }
        }
        checkCoverage(path, tensors, dataLen);
        return new SafetensorsFile(path, ch, 8 + n, size, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static String decodeUtf8(Path path, byte[] header) {
        try {
            CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header));
            return cb.toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsException(path, "header is not valid UTF-8");
        }
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new SafetensorsException(path, "__metadata__ must be a JSON object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafetensorsException(path, "__metadata__ value of '" + e.getKey() + "' is a "
                        + e.getValue().getNodeType().toString().toLowerCase(Locale.ROOT)
                        + "; safetensors metadata values must be strings");
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode node) {
        if (!node.isObject()) {
            throw new SafetensorsException(path, "tensor '" + name + "': entry is not a JSON object");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsException(path, "tensor '" + name + "': missing or non-string \"dtype\"");
        }
        DType dtype = DType.parse(dt.textValue()).orElseThrow(() -> new SafetensorsException(path,
                "tensor '" + name + "': unknown or unsupported dtype '" + dt.textValue() + "'"));
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsException(path, "tensor '" + name + "': missing or non-array \"shape\"");
        }
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(path, name, "shape", sh.get(i));
            try {
                numel = Math.multiplyExact(numel, shape[i]);
            } catch (ArithmeticException ex) {
                throw new SafetensorsException(path, "tensor '" + name + "': shape " + sh + " overflows 64 bits");
            }
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new SafetensorsException(path, "tensor '" + name + "': \"data_offsets\" must be [begin, end]");
        }
        long begin = nonNegativeLong(path, name, "data_offsets", off.get(0));
        long end = nonNegativeLong(path, name, "data_offsets", off.get(1));
        if (end < begin) {
            throw new SafetensorsException(path, "tensor '" + name + "': data_offsets end " + end
                    + " is before begin " + begin);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(numel, dtype.size());
        } catch (ArithmeticException ex) {
            throw new SafetensorsException(path, "tensor '" + name + "': byte size of shape " + sh
                    + " overflows 64 bits");
        }
        if (bytes != end - begin) {
            throw new SafetensorsException(path, "tensor '" + name + "': shape " + sh + " of " + dtype + " needs "
                    + bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path path, String tensor, String field, JsonNode v) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new SafetensorsException(path, "tensor '" + tensor + "': " + field + " holds " + v
                    + "; expected a non-negative integer below 2^63");
        }
        return v.longValue();
    }

    private static void checkCoverage(Path path, Map<String, TensorInfo> tensors, long dataLen) {
        List<TensorInfo> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        String previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < expected) {
                throw new SafetensorsException(path, "tensor '" + t.name() + "' (bytes " + t.begin() + ".." + t.end()
                        + ") overlaps tensor '" + previous + "'");
            }
            if (t.begin() > expected) {
                throw new SafetensorsException(path, "tensor '" + t.name() + "' starts at byte " + t.begin()
                        + " but the previous tensor ends at " + expected + ": the data section has a hole");
            }
            if (t.end() > dataLen) {
                throw new SafetensorsException(path, "tensor '" + t.name() + "' ends at data byte " + t.end()
                        + ", past the end of the data section (" + dataLen + " bytes; truncated file?)");
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
            throw new SafetensorsException(path, "has no tensor named '" + name + "'");
        }
        return t;
    }

    /**
     * Memory-maps one tensor's bytes (read-only, little-endian, position 0). The mapping stays valid after
     * {@link #close()}; never write into it.
     */
    public ByteBuffer map(String name) throws IOException {
        TensorInfo t = info(name);
        if (t.byteSize() > Integer.MAX_VALUE) {
            throw new SafetensorsException(path, "tensor '" + name + "' is " + t.byteSize()
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
            throw new SafetensorsException(path, "tensor '" + name + "' is " + t.dtype() + ", not a float tensor");
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

    /** Reads an integer tensor (I64, I32, I16, I8, U8, BOOL) as longs. */
    public long[] readLongs(String name) throws IOException {
        TensorInfo t = info(name);
        ByteBuffer b = map(name);
        int n = (int) t.numel();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (t.dtype()) {
                case I64, U64 -> b.getLong(i * 8);
                case I32 -> b.getInt(i * 4);
                case U32 -> Integer.toUnsignedLong(b.getInt(i * 4));
                case I16 -> b.getShort(i * 2);
                case U16 -> Short.toUnsignedInt(b.getShort(i * 2));
                case I8 -> b.get(i);
                case U8, BOOL -> Byte.toUnsignedInt(b.get(i));
                default -> throw new SafetensorsException(path, "tensor '" + name + "' is " + t.dtype()
                        + ", not an integer tensor");
            };
        }
        return out;
    }

    /** Total number of elements over all tensors. */
    public long parameterCount() {
        long n = 0;
        for (TensorInfo t : tensors.values()) {
            n += t.numel();
        }
        return n;
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
