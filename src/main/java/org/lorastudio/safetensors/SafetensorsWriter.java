package org.lorastudio.safetensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.AtomicFiles;

/**
 * Writes safetensors files the way the reference Rust serializer does: metadata first, tensors ordered by element
 * size (descending) then name so every tensor stays naturally aligned, the header padded with spaces to a multiple
 * of 8 bytes, and the file replaced atomically (temp file + move) so a crash never leaves a torn file.
 *
 * <p>The output depends only on the set of tensors and metadata, never on the order they were added in: metadata
 * keys are sorted, tensors are sorted, so writing the same adapter twice gives identical bytes (and hashes).
 *
 * <p>Buffers passed to {@link #add} are not copied: keep them unchanged until {@link #write} returns. Tensors added
 * with {@link #copy} are read from their source file only while writing, so a large file can be rewritten without
 * holding it in memory.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA_KEY = "__metadata__";

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    /** Where a tensor's bytes come from when the file is written. */
    @FunctionalInterface
    private interface Source {
        ByteBuffer bytes() throws IOException;
    }

    private record Entry(String name, DType dtype, long[] shape, long byteSize, Source source) {
    }

    /** Adds a tensor from raw little-endian bytes (the buffer's remaining bytes; not copied). */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
        long bytes = byteSize(name, dtype, shape);
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.remaining() + " bytes given, shape needs "
                    + bytes);
        }
        ByteBuffer view = data.duplicate();
        return put(new Entry(name, dtype, shape.clone(), bytes, view::duplicate));
    }

    /** Adds tensor {@code name} of {@code source} under the same name; its bytes are read while writing. */
    public SafetensorsWriter copy(SafetensorsFile source, String name) {
        return copy(source, name, name);
    }

    /** Adds tensor {@code name} of {@code source} as {@code newName}; its bytes are read while writing. */
    public SafetensorsWriter copy(SafetensorsFile source, String name, String newName) {
        TensorInfo t = source.info(name);
        return put(new Entry(newName, t.dtype(), t.shape(), t.byteSize(), () -> source.map(name)));
    }

    private SafetensorsWriter put(Entry e) {
        Objects.requireNonNull(e.name(), "tensor name");
        if (entries.containsKey(e.name()) || METADATA_KEY.equals(e.name())) {
            throw new IllegalArgumentException("duplicate or reserved tensor name: " + e.name());
        }
        entries.put(e.name(), e);
        return this;
    }

    private static long byteSize(String name, DType dtype, long[] shape) {
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + name);
            }
            numel = Math.multiplyExact(numel, d);
        }
        return Math.multiplyExact(numel, dtype.size());
    }

    /** Adds a float32 tensor, stored as F32, F16, BF16 or F64 (converted here, round to nearest even). */
    public SafetensorsWriter addFloats(String name, long[] shape, float[] values, DType storeAs) {
        if (!storeAs.isFloat()) {
            throw new IllegalArgumentException("cannot store floats as " + storeAs);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, storeAs.size()))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (storeAs) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(HalfFloats.floatToF16(v));
                case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
                case F64 -> b.putDouble(v);
                default -> throw new IllegalStateException("unreachable: " + storeAs);
            }
        }
        b.flip();
        return add(name, storeAs, shape, b);
    }

    /** Adds an int64 tensor. */
    public SafetensorsWriter addLongs(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        return add(name, DType.I64, shape, b);
    }

    /** Sets one metadata entry; safetensors metadata is string to string, so neither may be null. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "metadata key"),
                Objects.requireNonNull(value, () -> "metadata value of " + key));
        return this;
    }

    public SafetensorsWriter metadata(Map<String, String> values) {
        values.forEach(this::metadata);
        return this;
    }

    /** Writes the file atomically: on any failure the previous file (if any) is untouched and no temp file stays. */
    public void write(Path target) throws IOException {
        AtomicFiles.write(target, this::writeTo);
    }

    /** Serializes to a stream (header then data). */
    public void writeTo(OutputStream out) throws IOException {
        List<Entry> ordered = new ArrayList<>(entries.values());
        ordered.sort(Comparator.comparingInt((Entry e) -> -e.dtype().size()).thenComparing(Entry::name));
        byte[] header = header(ordered);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        out.write(len.array());
        out.write(header);
        byte[] chunk = new byte[1 << 16];
        for (Entry e : ordered) {
            ByteBuffer d = e.source().bytes().duplicate();
            if (d.remaining() != e.byteSize()) {
                throw new IOException("tensor " + e.name() + ": source has " + d.remaining() + " bytes, expected "
                        + e.byteSize());
            }
            while (d.hasRemaining()) {
                int n = Math.min(chunk.length, d.remaining());
                d.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
    }

    private byte[] header(List<Entry> ordered) throws JsonProcessingException {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            root.put(METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Entry e : ordered) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", e.dtype().name());
            m.put("shape", e.shape());
            m.put("data_offsets", new long[] {offset, offset + e.byteSize()});
            root.put(e.name(), m);
            offset += e.byteSize();
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }
}
