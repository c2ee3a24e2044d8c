package org.lorastudio.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lorastudio.testing.Fixtures;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void writerOutputDoesNotDependOnInsertionOrder() throws IOException {
        SafetensorsWriter a = new SafetensorsWriter()
                .addFloats("w", new long[] {2}, new float[] {1, 2}, DType.F16)
                .addLongs("ids", new long[] {1}, new long[] {5})
                .addFloats("b", new long[] {1}, new float[] {3}, DType.F32)
                .metadata("z", "1").metadata("a", "2");
        SafetensorsWriter b = new SafetensorsWriter()
                .metadata("a", "2")
                .addFloats("b", new long[] {1}, new float[] {3}, DType.F32)
                .metadata("z", "1")
                .addLongs("ids", new long[] {1}, new long[] {5})
                .addFloats("w", new long[] {2}, new float[] {1, 2}, DType.F16);
        a.write(dir.resolve("a.safetensors"));
        b.write(dir.resolve("b.safetensors"));
        assertThat(Files.readAllBytes(dir.resolve("a.safetensors")))
                .isEqualTo(Files.readAllBytes(dir.resolve("b.safetensors")));
    }

    /** Pins the exact layout: the reference serializer's key order, compact JSON, space padding to 8. */
    @Test
    void writerWritesReferenceLayout() throws IOException {
        Path f = dir.resolve("x.safetensors");
        new SafetensorsWriter().addFloats("w", new long[] {1}, new float[] {1f}, DType.F32)
                .metadata("k", "v").write(f);
        byte[] bytes = Files.readAllBytes(f);
        String json = "{\"__metadata__\":{\"k\":\"v\"},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        int padded = (json.length() + 7) / 8 * 8;
        assertThat(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(padded);
        assertThat(new String(bytes, 8, padded, StandardCharsets.UTF_8)).isEqualTo(json
                + " ".repeat(padded - json.length()));
        assertThat(ByteBuffer.wrap(bytes, 8 + padded, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat()).isEqualTo(1f);
    }

    @Test
    void writerAlignsEveryTensorAndKeepsMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        String tags = "{\"10_cat\": {\"cat\": 12, \"sitting\": 3}}";
        new SafetensorsWriter()
                .add("flag", DType.BOOL, new long[] {3}, ByteBuffer.wrap(new byte[] {1, 0, 1}))
                .addFloats("h", new long[] {1}, new float[] {1}, DType.F16)
                .addLongs("i", new long[] {1}, new long[] {1})
                .addFloats("f", new long[] {1}, new float[] {1}, DType.F32)
                .metadata("ss_tag_frequency", tags)
                .metadata("note", "naïve — ✓ \"quoted\"\nsecond line")
                .write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat((8 + s.headerSize()) % 8).isZero();
            for (TensorInfo t : s.tensors().values()) {
                assertThat(t.begin() % t.dtype().size()).as(t.name()).isZero();
            }
            assertThat(s.tensors().keySet()).containsExactly("i", "f", "h", "flag");
            assertThat(s.metadata()).containsEntry("ss_tag_frequency", tags)
                    .containsEntry("note", "naïve — ✓ \"quoted\"\nsecond line");
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void writerRoundTripsEveryDtype(DType dtype) throws IOException {
        byte[] raw = new byte[6 * dtype.size()];
        new Random(dtype.ordinal()).nextBytes(raw);
        if (dtype == DType.BOOL) {
            for (int i = 0; i < raw.length; i++) {
                raw[i] &= 1;
            }
        }
        Path f = dir.resolve(dtype + ".safetensors");
        new SafetensorsWriter().add("t", dtype, new long[] {2, 3}, ByteBuffer.wrap(raw))
                .add("scalar", dtype, new long[] {}, ByteBuffer.wrap(raw, 0, dtype.size()))
                .add("empty", dtype, new long[] {0, 5}, ByteBuffer.allocate(0))
                .write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            TensorInfo t = s.info("t");
            assertThat(t.dtype()).isEqualTo(dtype);
            assertThat(t.shape()).containsExactly(2, 3);
            byte[] back = new byte[raw.length];
            s.map("t").get(back);
            assertThat(back).isEqualTo(raw);
            assertThat(s.info("scalar").rank()).isZero();
            assertThat(s.info("empty").byteSize()).isZero();
        }
    }

    @Test
    void readLongsDecodesEveryIntegerType() throws IOException {
        Path f = dir.resolve("ints.safetensors");
        new SafetensorsWriter()
                .add("i8", DType.I8, new long[] {3}, ByteBuffer.wrap(new byte[] {-128, -1, 127}))
                .add("u8", DType.U8, new long[] {3}, ByteBuffer.wrap(new byte[] {0, (byte) 200, (byte) 255}))
                .add("bool", DType.BOOL, new long[] {2}, ByteBuffer.wrap(new byte[] {1, 0}))
                .add("i16", DType.I16, new long[] {2}, le(4).putShort((short) -300).putShort((short) 7).flip())
                .add("u16", DType.U16, new long[] {1}, le(2).putShort((short) 0xFFFF).flip())
                .add("i32", DType.I32, new long[] {2}, le(8).putInt(Integer.MIN_VALUE).putInt(42).flip())
                .add("u32", DType.U32, new long[] {1}, le(4).putInt(-1).flip())
                .addLongs("i64", new long[] {2}, new long[] {Long.MIN_VALUE, 49407})
                .add("u64", DType.U64, new long[] {1}, le(8).putLong(-1L).flip())
                .write(f);
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.readLongs("i8")).containsExactly(-128, -1, 127);
            assertThat(s.readLongs("u8")).containsExactly(0, 200, 255);
            assertThat(s.readLongs("bool")).containsExactly(1, 0);
            assertThat(s.readLongs("i16")).containsExactly(-300, 7);
            assertThat(s.readLongs("u16")).containsExactly(65535);
            assertThat(s.readLongs("i32")).containsExactly(Integer.MIN_VALUE, 42);
            assertThat(s.readLongs("u32")).containsExactly(4294967295L);
            assertThat(s.readLongs("i64")).containsExactly(Long.MIN_VALUE, 49407);
            assertThat(s.readLongs("u64")).containsExactly(-1L); // bit pattern of 2^64 - 1
        }
    }

    @Test
    void failedWriteLeavesPreviousFileIntactAndNoTempFile() throws IOException {
        Path target = dir.resolve("adapter.safetensors");
        new SafetensorsWriter().addFloats("w", new long[] {1}, new float[] {1}, DType.F32).write(target);
        byte[] before = Files.readAllBytes(target);

        Path src = dir.resolve("src.safetensors");
        new SafetensorsWriter().addFloats("big", new long[] {4}, new float[] {1, 2, 3, 4}, DType.F32).write(src);
        SafetensorsFile source = SafetensorsFile.open(src);
        SafetensorsWriter w = new SafetensorsWriter().addFloats("a", new long[] {1}, new float[] {9}, DType.F32)
                .copy(source, "big");
        source.close(); // the copy fails mid-write, after the header and the first tensor went out

        assertThatThrownBy(() -> w.write(target)).isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("adapter.safetensors", "src.safetensors");
        }
        assertThatThrownBy(() -> w.write(dir.resolve("fresh.safetensors"))).isInstanceOf(IOException.class);
        assertThat(dir.resolve("fresh.safetensors")).doesNotExist();
    }

    @Test
    void copyRewritesFixtureWithSameTensorsAndMetadata() throws IOException {
        Path out = dir.resolve("copy.safetensors");
        try (SafetensorsFile src = SafetensorsFile.open(Fixtures.path("sd-tiny-a/lora-kohya.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter().metadata(src.metadata());
            for (String name : src.tensors().keySet()) {
                w.copy(src, name);
            }
            w.write(out);
            try (SafetensorsFile copy = SafetensorsFile.open(out)) {
                assertThat(copy.metadata()).isEqualTo(src.metadata());
                assertThat(copy.tensors().keySet()).containsExactlyInAnyOrderElementsOf(src.tensors().keySet());
                for (String name : src.tensors().keySet()) {
                    assertThat(copy.info(name).shape()).isEqualTo(src.info(name).shape());
                    assertThat(copy.map(name)).as(name).isEqualTo(src.map(name));
                }
            }
        }
    }

    @Test
    void writerRefusesInconsistentInput() {
        SafetensorsWriter w = new SafetensorsWriter().addFloats("w", new long[] {1}, new float[] {1}, DType.F32);
        for (Runnable bad : List.<Runnable>of(
                () -> w.addFloats("w", new long[] {1}, new float[] {1}, DType.F32),
                () -> w.addFloats("__metadata__", new long[] {1}, new float[] {1}, DType.F32),
                () -> w.addFloats("x", new long[] {3}, new float[] {1}, DType.F32),
                () -> w.addFloats("x", new long[] {-1}, new float[] {}, DType.F32),
                () -> w.addFloats("x", new long[] {0}, new float[] {}, DType.I32))) {
            assertThatThrownBy(bad::run).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> w.metadata("k", null)).isInstanceOf(NullPointerException.class);
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
