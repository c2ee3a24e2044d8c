package org.lorastudio.lora;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;

/**
 * Writes a {@link LoraNetwork} in the kohya / A1111 layout (FORMATS §4.1): {@code <name>.lora_down.weight},
 * {@code <name>.lora_up.weight} and a 0-d {@code <name>.alpha} in the save precision, with {@code ss_*} metadata and
 * kohya's two content hashes ({@code sshs_model_hash}, {@code sshs_legacy_hash}) so A1111 shows and caches it like
 * a file made by sd-scripts.
 */
public final class KohyaLoraWriter {
    private KohyaLoraWriter() {
    }

    /** Writes {@code network} to {@code target} atomically. Must run on the thread that owns the arrays. */
    public static void write(LoraNetwork network, Path target, DType precision, Map<String, String> metadata)
            throws IOException {
        SafetensorsWriter w = tensors(network, precision);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        Map<String, String> ssOnly = new LinkedHashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith("ss_")) {
                ssOnly.put(k, v);
            }
        });
        // kohya (train_util.precalculate_safetensors_hashes) hashes an in-memory save holding only the ss_* keys
        byte[] probe = serialize(tensors(network, precision).metadata(ssOnly));
        meta.put("sshs_model_hash", modelHash(probe));
        meta.put("sshs_legacy_hash", legacyHash(probe));
        w.metadata(meta).write(target);
    }

    private static SafetensorsWriter tensors(LoraNetwork network, DType precision) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (LoraLayer l : network.layers().values()) {
            add(w, l.name() + ".lora_down.weight", l.down(), precision);
            add(w, l.name() + ".lora_up.weight", l.up(), precision);
            w.addFloats(l.name() + ".alpha", new long[0], new float[] {l.alpha()}, precision);
        }
        return w;
    }

    private static void add(SafetensorsWriter w, String key, NDArray a, DType precision) {
        w.addFloats(key, a.getShape().getShape(), a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .toFloatArray(), precision);
    }

    private static byte[] serialize(SafetensorsWriter w) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.writeTo(out);
        return out.toByteArray();
    }

    /** sha256 of the bytes after the header (kohya {@code addnet_hash_safetensors}). */
    static String modelHash(byte[] file) {
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        MessageDigest md = sha256();
        md.update(file, (int) (8 + n), (int) (file.length - 8 - n));
        return HexFormat.of().formatHex(md.digest());
    }

    /** First 8 hex digits of sha256 over 64 KiB at offset 1 MiB (kohya {@code addnet_hash_legacy}). */
    static String legacyHash(byte[] file) {
        MessageDigest md = sha256();
        int from = Math.min(0x100000, file.length);
        md.update(file, from, Math.min(0x10000, file.length - from));
        return HexFormat.of().formatHex(md.digest()).substring(0, 8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
