package org.lorastudio.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void writerPadsHeaderKeepsMetadataAndReaderReadsBack() throws Exception {
        Path f = dir.resolve("a.safetensors");
        new SafetensorsWriter()
                .addFloats("w", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, DType.F32)
                .addFloats("h", new long[] {3}, new float[] {0.5f, -2f, 65504f}, DType.F16)
                .addFloats("b", new long[] {2}, new float[] {1.5f, -3.25f}, DType.BF16)
                .addFloats("alpha", new long[] {}, new float[] {2f}, DType.F32)
                .addLongs("ids", new long[] {2}, new long[] {7, 49407})
                .metadata("ss_network_dim", "4")
                .write(f);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.metadata()).containsEntry("ss_network_dim", "4");
            assertThat(s.readFloats("w")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(s.readFloats("h")).containsExactly(0.5f, -2f, 65504f);
            assertThat(s.readFloats("b")).containsExactly(1.5f, -3.25f);
            assertThat(s.info("alpha").rank()).isZero();
            assertThat(s.readFloats("alpha")).containsExactly(2f);
            assertThat(s.readLongs("ids")).containsExactly(7, 49407);
            assertThat(s.parameterCount()).isEqualTo(6 + 3 + 2 + 1 + 2);
        }
        assertThat(Files.list(dir)).hasSize(1); // no temp file left behind
    }

    @Test
    void halfFloatConversionsRoundTripEveryHalfValue() {
        for (int h = 0; h < 0x10000; h++) {
            float f = HalfFloats.f16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertThat(HalfFloats.floatToF16(f) & 0xFFFF).as("half %04x", h).isEqualTo(h);
            }
        }
        assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(1e-8f))).isZero();
        assertThat(HalfFloats.f16ToFloat(HalfFloats.floatToF16(1e6f))).isInfinite();
        assertThat(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(1.00390625f))).isEqualTo(1.0f); // ties to even
    }
}
