package org.lorastudio.train.tensorboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's encodings and file naming; what the files hold is read back in {@link EventFileProtoTest}. */
class EventFileWriterTest {
    @TempDir
    Path tmp;

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
    void fileNameHoldsTheSecondsAndTheSanitizedHostAndCountsUpOnACollision() throws IOException {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_250L), ZoneOffset.UTC);
        try (EventFileWriter a = EventFileWriter.create(tmp.resolve("run"), 1, clock, "my host.local");
             EventFileWriter b = EventFileWriter.create(tmp.resolve("run"), 5, clock, "my host.local")) {
            assertThat(a.file().getFileName().toString())
                    .isEqualTo("events.out.tfevents.1700000000.my_host_local.lorastudio");
            assertThat(b.file().getFileName().toString())
                    .isEqualTo("events.out.tfevents.1700000000.my_host_local.lorastudio.2");
        }
    }

    @Test
    void imagesThatAreNotPngsAreRefusedNamingTheTag() throws IOException {
        try (EventFileWriter w = EventFileWriter.create(tmp, 1, Clock.systemUTC(), "host")) {
            assertThatThrownBy(() -> w.addImage("samples/0", "GIF89a, not a PNG at all.....".getBytes(
                    StandardCharsets.US_ASCII), 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("samples/0").hasMessageContaining("is not a PNG");
            assertThatThrownBy(() -> w.addImage("samples/1", new byte[8], 1))
                    .hasMessage("image samples/1 is not a PNG: 8 bytes, a PNG has at least 33");
        }
    }

    @Test
    void pngHeaderGivesSizeAndColourSpace() {
        byte[] png = HexFormat.of().parseHex("89504e470d0a1a0a" + "0000000d" + "49484452" + "00000200" + "00000100"
                + "08" + "06" + "000000" + "00000000");
        assertThat(Png.header(png, "x")).isEqualTo(new Png.Header(512, 256, 4));
        png[25] = 1;
        assertThatThrownBy(() -> Png.header(png, "x")).hasMessage("PNG x has colour type 1; PNG defines 0, 2, 3, 4 "
                + "and 6");
    }

    @Test
    void hostNamesAreSanitized() {
        assertThat(EventFileWriter.sanitize("a.b/c d")).isEqualTo("a_b_c_d");
        assertThat(EventFileWriter.sanitize("")).isEqualTo("localhost");
        assertThat(EventFileWriter.sanitize(EventFileWriter.hostName())).matches("[A-Za-z0-9_-]+");
    }
}
