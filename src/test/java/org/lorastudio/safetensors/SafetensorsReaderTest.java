package org.lorastudio.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lorastudio.cli.Cli;
import org.lorastudio.testing.Fixtures;

class SafetensorsReaderTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"model.ckpt", "pytorch_model.bin", "lora.pt", "weights.PTH"})
    void readerRefusesPickleCheckpointsAndSaysWhatToDo(String name) throws IOException {
        Path f = Files.write(dir.resolve(name), new byte[] {(byte) 0x80, 2}); // a pickle protocol marker
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(name + ": ")
                .hasMessageContainingAll("pickle", "arbitrary code", ".safetensors", "convert");
    }

    @Test
    void readerRefusesFolderWithHint() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("unet"));
        assertThatThrownBy(() -> SafetensorsFile.open(folder))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageContainingAll("unet: ", "is a folder");
    }

    @Test
    void readerOpensKohyaFixtureLazily() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("sd-tiny-a/lora-kohya.safetensors"))) {
            assertThat(f.tensors()).hasSize(252);
            assertThat(f.metadata()).containsEntry("ss_network_dim", "4");
            assertThat(f.headerSize() + 8 + f.dataSize()).isEqualTo(f.fileSize());
            assertThat(f.readFloats("lora_te_text_model_encoder_layers_0_mlp_fc1.alpha")).containsExactly(2f);
        }
    }

    @Test
    void readerRefusesWrongReadKindNamingTensor() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(Fixtures.path("sd-tiny-a/lora-kohya.safetensors"))) {
            String alpha = "lora_te_text_model_encoder_layers_0_mlp_fc1.alpha";
            assertThatThrownBy(() -> f.readLongs(alpha)).isInstanceOf(SafetensorsException.class)
                    .hasMessageContainingAll(alpha, "F32", "not an integer tensor");
            assertThatThrownBy(() -> f.info("nope")).isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining("no tensor named 'nope'");
        }
    }

    /**
     * A header of 100,000 one-byte tensors, listed against data order, opens well within the bound: parsing
     * is streaming and the coverage check sorts once, so nothing is quadratic in the number of tensors; a quadratic
     * path would take minutes. The bound is loose because CI machines are shared.
     */
    @Test
    void readerHandlesHugeNumberOfTinyTensorsQuickly() throws IOException {
        int n = 100_000;
        StringBuilder h = new StringBuilder(n * 64).append('{');
        for (int i = n - 1; i >= 0; i--) {
            h.append("\"t").append(i).append("\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[")
                    .append(i).append(',').append(i + 1).append("]}").append(i > 0 ? "," : "}");
        }
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("many.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(le(header.length));
            raf.write(header);
            raf.setLength(8L + header.length + n);
        }
        long start = System.nanoTime();
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.tensors()).hasSize(n);
            assertThat(s.parameterCount()).isEqualTo(n);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    /**
     * A sparse 3 GiB file: a 3 GiB U8 tensor of zeros, then a small F32 tensor past the 3 GiB mark. Opening parses
     * the header with long offsets, the tail tensor reads back through its own mapping, and the big tensor is
     * refused cleanly by map() (a ByteBuffer holds at most 2 GiB). Nothing but the header and the tail is written,
     * so the test takes milliseconds and no disk space where the file system makes sparse files.
     */
    @Test
    void readerReadsTensorBeyondTwoGibInSparseFile() throws IOException {
        assumeTrue(File.separatorChar == '/', "sparse files via setLength are only assumed on Unix file systems");
        FileStore store = Files.getFileStore(dir);
        long freeBefore = store.getUsableSpace();
        assumeTrue(freeBefore > 8 * GIB, "needs head room in case the file system is not sparse");

        long big = 3 * GIB;
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + big + "],\"data_offsets\":[0," + big + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + big + "," + (big + 16) + "]},"
                + "\"__metadata__\":{\"note\":\"sparse\"}}";
        byte[] header = (json + " ".repeat((8 - json.length() % 8) % 8)).getBytes(StandardCharsets.US_ASCII);
        long dataStart = 8L + header.length;
        Path f = dir.resolve("large.safetensors");
        ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(1e-3f);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(le(header.length));
            raf.write(header);
            raf.setLength(dataStart + big + 16);
            raf.seek(dataStart + big);
            raf.write(tail.array());
        }
        long used = freeBefore - store.getUsableSpace();
        assumeTrue(used < GIB, "file system did not create a sparse file (" + used + " bytes used)");

        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            assertThat(s.fileSize()).isEqualTo(dataStart + big + 16).isGreaterThan(2 * GIB);
            assertThat(s.info("big").byteSize()).isEqualTo(big);
            assertThat(s.info("tail").begin()).isEqualTo(big);
            assertThat(s.readFloats("tail")).containsExactly(1.5f, -2f, 3.25f, 1e-3f);
            assertThat(s.parameterCount()).isEqualTo(big + 4);
            assertThat(s.metadata()).containsEntry("note", "sparse");
            assertThatThrownBy(() -> s.map("big")).isInstanceOf(SafetensorsException.class)
                    .hasMessageContainingAll("'big'", "above 2 GiB");
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), "inspect", f.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("2 tensors", "3,221,225,476 parameters", "3.22 GB");
    }

    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
