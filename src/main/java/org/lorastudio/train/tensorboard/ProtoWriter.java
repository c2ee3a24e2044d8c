package org.lorastudio.train.tensorboard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protobuf wire-format encodings TensorBoard's {@code Event} / {@code Summary} messages need, written by hand
 * so the project needs no protobuf dependency (https://protobuf.dev/programming-guides/encoding/): a field key is the
 * varint {@code (field << 3) | wireType}; wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32; fixed
 * widths are little-endian.
 */
final class ProtoWriter {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter doubleField(int field, double value) {
        key(field, FIXED64);
        fixed64(Double.doubleToRawLongBits(value));
        return this;
    }

    ProtoWriter floatField(int field, float value) {
        key(field, FIXED32);
        long bits = Float.floatToRawIntBits(value) & 0xFFFFFFFFL;
        for (int i = 0; i < 4; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    /** int64 field (negative values take 10 bytes, as protobuf encodes them). */
    ProtoWriter int64Field(int field, long value) {
        key(field, VARINT);
        varint(value);
        return this;
    }

    ProtoWriter stringField(int field, String value) {
        return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter bytesField(int field, byte[] value) {
        key(field, LENGTH_DELIMITED);
        varint(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter messageField(int field, ProtoWriter message) {
        return bytesField(field, message.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void key(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private void fixed64(long bits) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
    }
}
