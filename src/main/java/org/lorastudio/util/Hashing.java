package org.lorastudio.util;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 helpers for provenance (base model identity, data set fingerprints). Files are hashed streaming in
 * 1 MiB chunks, so a 4 GB checkpoint costs a buffer, not a heap.
 */
public final class Hashing {
    private static final int BUFFER_BYTES = 1 << 20;

    private Hashing() {
    }

    /** Lower-case hex SHA-256 of a file's bytes, read streaming. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Lower-case hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    /** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A fresh SHA-256 digest, for callers that fingerprint many pieces into one hash (a data set: every image and
     * caption). Every Java platform must provide SHA-256 (see {@link MessageDigest}), so absence is a broken JRE.
     */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This Java runtime lacks SHA-256, which every Java platform must have", e);
        }
    }
}
