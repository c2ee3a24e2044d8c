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
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.AtomicFiles;

/**
 * Writes safetensors files the way the reference Rust serializer does: metadata first, tensors ordered by element
 * size (descending) then name so every tensor stays naturally aligned, the header padded with spaces to a multiple
 * of 8 bytes, and the file replaced atomically (temp file + move) so a crash never leaves a torn file.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new TreeMap<>();

    private record Entry(String name, DType dtype, long[] shape, ByteBuffer data) {
    }

    /** Adds a tensor from raw little-endian bytes. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer data) {
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + name);
            }
            numel = Math.multiplyExact(numel, d);
        }
        long bytes = Math.multiplyExact(numel, dtype.size());
        if (data.remaining() != bytes) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.remaining() + " bytes given, shape needs "
                    + bytes);
        }
        if (entries.containsKey(name) || "__metadata__".equals(name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name: " + name);
        }
        entries.put(name, new Entry(name, dtype, shape.clone(), data.duplicate()));
        return this;
    }

    /** Adds a float32 tensor, stored as F32, F16 or BF16 (converted here, round to nearest even). */
    public SafetensorsWriter addFloats(String name, long[] shape, float[] values, DType storeAs) {
        ByteBuffer b = ByteBuffer.allocate(values.length * storeAs.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (storeAs) {
                case F32 -> b.putFloat(v);
                case F16 -> b.putShort(HalfFloats.floatToF16(v));
                case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
                case F64 -> b.putDouble(v);
                default -> throw new IllegalArgumentException("cannot store floats as " + storeAs);
            }
        }
        b.flip();
        return add(name, storeAs, shape, b);
    }

    /** Adds an int64 tensor. */
    public SafetensorsWriter addLongs(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        b.flip();
        return add(name, DType.I64, shape, b);
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter metadata(Map<String, String> values) {
        metadata.putAll(values);
        return this;
    }

    /** Writes the file atomically. */
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
            ByteBuffer d = e.data().duplicate();
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
            root.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Entry e : ordered) {
            long size = e.data().remaining();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", e.dtype().name());
            m.put("shape", e.shape());
            m.put("data_offsets", new long[] {offset, offset + size});
            root.put(e.name(), m);
            offset += size;
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
