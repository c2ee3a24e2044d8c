package org.lorastudio.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Identity of a dataset's training content for run provenance (SPEC §5 {@code run.json}): SHA-256 over, for
 * every item in name order, its name, its repeat count, the SHA-256 of its image bytes and its caption text,
 * followed by the item count. Strings are length-prefixed and digests fixed-size, so the input is unambiguous.
 * Caption text (not the caption file's bytes) is hashed: re-saving a caption with another line ending or BOM does
 * not change what trains and does not change the fingerprint; editing its words does. Images are streamed, never
 * decoded. Repeats are part of it because {@code 5_cat} and {@code 10_cat} train differently.
 *
 * @param sha256    lower-case hex digest
 * @param itemCount number of images
 */
public record DatasetFingerprint(String sha256, int itemCount) {
    /** Format version, hashed first so that a future change of the recipe cannot collide with old values. */
    private static final String VERSION = "lorastudio-dataset-fingerprint-v1";

    /** Computes the fingerprint of a scanned dataset, reading every image file once. */
    public static DatasetFingerprint of(Dataset dataset) throws IOException {
        MessageDigest digest = newDigest();
        update(digest, VERSION);
        byte[] buffer = new byte[1 << 16];
        for (DatasetItem item : dataset.items()) {
            update(digest, item.name());
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(item.repeats()).array());
            MessageDigest image = newDigest();
            try (InputStream in = Files.newInputStream(item.image())) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    image.update(buffer, 0, n);
                }
            }
            digest.update(image.digest());
            Optional<String> caption = item.caption();
            digest.update((byte) (caption.isPresent() ? 1 : 0));
            update(digest, caption.orElse(""));
        }
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(dataset.items().size()).array());
        return new DatasetFingerprint(HexFormat.of().formatHex(digest.digest()), dataset.items().size());
    }

    /** {@code sha256:1f3a… (120 items)}. */
    @Override
    public String toString() {
        return "sha256:" + sha256 + " (" + itemCount + " items)";
    }

    private static void update(MessageDigest digest, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
        digest.update(utf8);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
