package org.lorastudio.train.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing (tensorflow/core/lib/io/record_writer.cc): {@code uint64 length},
 * {@code uint32 masked_crc32c(length)}, {@code data}, {@code uint32 masked_crc32c(data)}, all little-endian.
 * The mask (crc32c.h) rotates right by 15 and adds {@code 0xa282ead8}, so CRCs of data that itself holds CRCs stay
 * well distributed.
 */
public final class TfRecord {
    static final int MASK_DELTA = 0xa282ead8;

    private TfRecord() {
    }

    /** CRC-32C (Castagnoli) of {@code data}. */
    public static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /** TensorFlow's masked CRC: {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8} (mod 2³²). */
    public static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Inverse of {@link #mask}. */
    public static int unmask(int masked) {
        int rot = masked - MASK_DELTA;
        return (rot >>> 17) | (rot << 15);
    }

    /** One framed record holding {@code data}. */
    public static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(mask(crc32c(b.array(), 0, 8)));
        b.put(data);
        b.putInt(mask(crc32c(data, 0, data.length)));
        return b.array();
    }
}
