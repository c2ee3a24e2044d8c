package org.lorastudio.train.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileWriterTest {
    @TempDir
    Path tmp;

    /** A decoded {@code Event}: only the fields the writer uses. */
    record Event(double wallTime, long step, String fileVersion, String tag, Float value) {
    }

    @Test
    void crc32cAndMaskMatchKnownVectors() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(TfRecord.crc32c(check, 0, check.length)).isEqualTo(0xE3069283);
        assertThat(TfRecord.crc32c(new byte[0], 0, 0)).isZero();
        assertThat(TfRecord.mask(0)).isEqualTo(0xa282ead8);
        // ((0xE3069283 >>> 15) | (0xE3069283 << 17)) + 0xa282ead8
        int rotated = (0xE3069283 >>> 15) | (0xE3069283 << 17);
        assertThat(TfRecord.mask(0xE3069283)).isEqualTo(rotated + 0xa282ead8);
        for (int crc : new int[] {0, 1, -1, 0xE3069283, 0x12345678}) {
            assertThat(TfRecord.unmask(TfRecord.mask(crc))).isEqualTo(crc);
        }
    }

    @Test
    void protobufEncodingOfASummaryValueIsByteExact() {
        byte[] value = new ProtoWriter().stringField(1, "loss").floatField(2, 1.0f).toByteArray();
        assertThat(HexFormat.of().formatHex(value)).isEqualTo("0a046c6f73731500" + "00803f");
        byte[] step = new ProtoWriter().int64Field(2, 300).toByteArray();
        assertThat(HexFormat.of().formatHex(step)).isEqualTo("10ac02");
        byte[] wall = new ProtoWriter().doubleField(1, 1.0).toByteArray();
        assertThat(HexFormat.of().formatHex(wall)).isEqualTo("09000000000000f03f");
    }

    @Test
    void writesAReadableEventFile() throws IOException {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC);
        Path file;
        try (EventFileWriter w = EventFileWriter.create(tmp.resolve("run"), clock, "my host.local")) {
            file = w.file();
            w.addScalar("loss", 0.125f, 1);
            w.addScalar("lr", 1e-4f, 1);
            w.addScalar("loss", 0.0625f, 2);
            // flushed after each write: readable while still open
            assertThat(read(file)).hasSize(4);
        }
        assertThat(file.getFileName().toString()).isEqualTo("events.out.tfevents.1700000000.my_host_local.lorastudio");
        List<Event> events = read(file);
        assertThat(events).hasSize(4);
        assertThat(events.get(0).fileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).wallTime()).isEqualTo(1_700_000_000.25);
        assertThat(events.subList(1, 4)).extracting(Event::tag).containsExactly("loss", "lr", "loss");
        assertThat(events.subList(1, 4)).extracting(Event::step).containsExactly(1L, 1L, 2L);
        assertThat(events.subList(1, 4)).extracting(Event::value).containsExactly(0.125f, 1e-4f, 0.0625f);
    }

    @Test
    void hostNamesAreSanitized() {
        assertThat(EventFileWriter.sanitize("a.b/c d")).isEqualTo("a_b_c_d");
        assertThat(EventFileWriter.sanitize("")).isEqualTo("localhost");
        assertThat(EventFileWriter.sanitize(EventFileWriter.hostName())).matches("[A-Za-z0-9_-]+");
    }

    /** Parses TFRecords, verifying both CRCs of each, and decodes the Event protobufs. */
    static List<Event> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Event> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] header = new byte[8];
            b.get(header);
            long length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(TfRecord.unmask(b.getInt())).as("length CRC").isEqualTo(TfRecord.crc32c(header, 0, 8));
            byte[] data = new byte[(int) length];
            b.get(data);
            assertThat(TfRecord.unmask(b.getInt())).as("data CRC").isEqualTo(TfRecord.crc32c(data, 0, data.length));
            out.add(decodeEvent(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
        }
        return out;
    }

    private static Event decodeEvent(ByteBuffer b) {
        double wall = 0;
        long step = 0;
        String version = null;
        String tag = null;
        Float value = null;
        while (b.hasRemaining()) {
            long key = varint(b);
            int field = (int) (key >>> 3);
            switch (field) {
                case 1 -> wall = b.getDouble();
                case 2 -> step = varint(b);
                case 3 -> version = new String(bytes(b), StandardCharsets.UTF_8);
                case 5 -> {
                    ByteBuffer summary = ByteBuffer.wrap(bytes(b)).order(ByteOrder.LITTLE_ENDIAN);
                    assertThat(varint(summary)).isEqualTo((1 << 3) | 2);
                    ByteBuffer v = ByteBuffer.wrap(bytes(summary)).order(ByteOrder.LITTLE_ENDIAN);
                    while (v.hasRemaining()) {
                        long k = varint(v);
                        if (k == ((1 << 3) | 2)) {
                            tag = new String(bytes(v), StandardCharsets.UTF_8);
                        } else if (k == ((2 << 3) | 5)) {
                            value = v.getFloat();
                        } else {
                            throw new AssertionError("unexpected Summary.Value key " + k);
                        }
                    }
                }
                default -> throw new AssertionError("unexpected Event field " + field);
            }
        }
        return new Event(wall, step, version, tag, value);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[(int) varint(b)];
        b.get(out);
        return out;
    }

    private static long varint(ByteBuffer b) {
        long result = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xFF;
            result |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return result;
            }
        }
    }
}
