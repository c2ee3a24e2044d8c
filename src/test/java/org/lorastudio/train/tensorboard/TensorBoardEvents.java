package org.lorastudio.train.tensorboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import com.google.protobuf.InvalidProtocolBufferException;
import org.tensorflow.util.Event;

/**
 * An event file reader that shares no code with the writer: TFRecord framing as TensorFlow's record_reader.cc reads
 * it, CRCs from {@link java.util.zip.CRC32C} with the mask written out again here (crc32c.h), and each record parsed
 * by the {@code Event} class protoc generates from TensorBoard's own event.proto (src/test/proto).
 */
public final class TensorBoardEvents {
    private TensorBoardEvents() {
    }

    /** The events of every {@code events.out.tfevents.*} file in {@code dir}, in file-name order (TensorBoard's). */
    public static List<List<Event>> readDir(Path dir) throws IOException {
        List<List<Event>> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted()
                    .toList()) {
                out.add(read(p));
            }
        }
        return out;
    }

    /** Every record of {@code file}; throws on a bad CRC, a torn record or a record that is not an {@code Event}. */
    public static List<Event> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < 12) {
                throw new IOException(file + ": torn record header at byte " + at);
            }
            byte[] header = new byte[8];
            b.get(header);
            long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = b.getInt();
            if (lengthCrc != maskedCrc32c(header)) {
                throw new IOException(file + ": bad length CRC of the record at byte " + at);
            }
            if (length < 0 || length > b.remaining() - 4) {
                throw new IOException(file + ": record at byte " + at + " claims " + length + " bytes, "
                        + (b.remaining() - 4) + " remain");
            }
            byte[] data = new byte[(int) length];
            b.get(data);
            if (b.getInt() != maskedCrc32c(data)) {
                throw new IOException(file + ": bad data CRC of the record at byte " + at);
            }
            try {
                out.add(Event.parseFrom(data));
            } catch (InvalidProtocolBufferException e) {
                throw new IOException(file + ": record at byte " + at + " is not an Event: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** TensorFlow's masked CRC-32C: rotate right by 15, add 0xa282ead8 (tensorflow/core/lib/hash/crc32c.h). */
    static int maskedCrc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
