package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.lora.LoraFile;
import org.lorastudio.safetensors.SafetensorsException;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.util.UserException;

/**
 * Small files that claim to be huge must be refused by what they hold, not by what they claim: each case is a
 * file of a few hundred bytes, and the reader may allocate at most a few MiB on the way to its clear error
 * (measured as the bytes this thread allocated, so a large allocation is caught even when the heap could hold it).
 */
class MemoryBoundsTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long FEW_MIB = 8L << 20;

    @TempDir
    Path dir;

    @Test
    void tensorsClaimingExabytesAreRefusedBeforeAllocation() throws Exception {
        for (String entry : List.of(
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[1152921504606846976],\"data_offsets\":[0,1152921504606846976]}}",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[268435456,268435456],\"data_offsets\":[0,4]}}",
                "{\"w\":{\"dtype\":\"F64\",\"shape\":[2305843009213693952],\"data_offsets\":[0,0]}}",
                "{\"lora_unet_x.lora_down.weight\":{\"dtype\":\"F32\",\"shape\":[1073741824,4],"
                        + "\"data_offsets\":[0,17179869184]},\"lora_unet_x.lora_up.weight\":{\"dtype\":\"F32\","
                        + "\"shape\":[4,1073741824],\"data_offsets\":[17179869184,34359738368]}}")) {
            Path file = dir.resolve("claims.safetensors");
            Files.write(file, safetensors(entry, 16));
            long allocated = allocatedBy(() -> assertThatThrownBy(() -> LoraFile.read(file))
                    .isInstanceOf(SafetensorsException.class).hasMessageStartingWith("claims.safetensors: "));
            assertThat(allocated).as("bytes allocated refusing %s", entry).isLessThan(FEW_MIB);
        }
    }

    @Test
    void headerLengthsClaimingMoreThanTheFileAreRefusedBeforeAllocation() throws Exception {
        for (long claimed : new long[] {99_999_999L, 100_000_001L, 1L << 60, -1L}) {
            Path file = dir.resolve("length.safetensors");
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(claimed);
            b.put("{}".getBytes(StandardCharsets.US_ASCII));
            Files.write(file, b.array());
            long allocated = allocatedBy(() -> assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                    .isInstanceOf(SafetensorsException.class));
            assertThat(allocated).as("bytes allocated refusing a header length of %s", claimed).isLessThan(FEW_MIB);
        }
    }

    /** The YAML "billion laughs": nine levels of aliases that would expand to 10^9 entries. */
    @Test
    void yamlAliasBombIsRefusedQuicklyAndSmall() throws Exception {
        StringBuilder yaml = new StringBuilder("a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (int i = 1; i <= 9; i++) {
            yaml.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                yaml.append(j == 0 ? "" : ",").append("*a").append(i - 1);
            }
            yaml.append("]\n");
        }
        yaml.append("name: bomb\nbase_model: m.safetensors\ntrain_data_dir: data\nsample_prompts: *a9\n");
        Path file = dir.resolve("bomb.yaml");
        Files.writeString(file, yaml);
        long t0 = System.nanoTime();
        ConfigReport[] report = new ConfigReport[1];
        long allocated = allocatedBy(() -> report[0] = ConfigLoader.check(file, List.of()));
        assertThat(report[0].hasErrors()).isTrue();
        assertThat(allocated).as("bytes allocated reading the alias bomb").isLessThan(64L << 20);
        assertThat(System.nanoTime() - t0).as("nanoseconds reading the alias bomb").isLessThan(5_000_000_000L);
    }

    /** A metadata line of 200,000 opening brackets: the JSON parser's nesting limit, not the stack, stops it. */
    @Test
    void deeplyNestedMetadataLineIsAProblemNotAStackOverflow() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Files.writeString(root.resolve("metadata.jsonl"), "[".repeat(200_000) + "\n{\"file_name\": \"a.png\"}\n");
        CaptionStore store = CaptionStore.open(root, Optional.empty());
        assertThat(store.problems()).anyMatch(p -> p.file().equals("metadata.jsonl:1"));
    }

    @Test
    void metadataFileOfAQuarterGibibyteIsRefusedWithoutReadingIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("big"));
        try (var ch = java.nio.channels.FileChannel.open(root.resolve("metadata.csv"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {'x'}), (256L << 20) + 10); // sparse: no disk used
        }
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> CaptionStore.open(root, Optional.empty()))
                .isInstanceOf(UserException.class).hasMessageContaining("larger than 256 MiB"));
        assertThat(allocated).as("bytes allocated refusing a 256 MiB metadata file").isLessThan(FEW_MIB);
    }

    private static byte[] safetensors(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).array();
    }

    interface Action {
        void run() throws Exception;
    }

    private static long allocatedBy(Action action) throws Exception {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        action.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
