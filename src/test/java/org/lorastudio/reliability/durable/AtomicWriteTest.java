package org.lorastudio.reliability.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.util.AtomicFiles;

/**
 * What makes {@link AtomicFiles} durable, checked on the real system calls and files: the temporary file is
 * fsynced before the rename and the folder after it; temporary files left by a killed writer are invisible to a
 * data set scan and removed by the next writer in that folder, while a live writer's file is left alone.
 */
class AtomicWriteTest {
    @TempDir
    Path tmp;

    @Test
    void aCaptionSaveFsyncsTheTemporaryFileThenRenamesThenFsyncsTheFolder() throws Exception {
        assumeThat(onPath("strace")).as("strace is not installed; the system-call order is not checked").isTrue();
        Path data = tmp.toRealPath().resolve("data");
        Files.createDirectories(data);
        Files.write(data.resolve("a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(data.resolve("a.txt"), "old caption");
        Path trace = tmp.resolve("trace.txt");
        List<String> command = new ArrayList<>(List.of("strace", "-f", "-y", "-qq", "-o", trace.toString(),
                "-e", "trace=fsync,fdatasync,rename,renameat,renameat2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SaveOnceChild.class.getName(),
                data.toString(), "a.png", "new caption"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(tmp.resolve("out.txt"));
        assumeThat(p.exitValue() == 0 || !out.contains("ptrace")).as("strace cannot trace here: " + out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(data.resolve("a.txt"))).isEqualTo("new caption");

        List<String> calls = Files.readAllLines(trace).stream().filter(l -> l.contains(data.toString())).toList();
        String tempPrefix = data + "/.a.txt.";
        int fsyncTemp = indexOf(calls, l -> l.contains("fsync(") && l.contains("<" + tempPrefix));
        int rename = indexOf(calls, l -> l.contains("rename") && l.contains(tempPrefix)
                && l.contains(data + "/a.txt\""));
        int fsyncDir = indexOf(calls, l -> l.contains("fsync(") && l.contains("<" + data + ">"));
        assertThat(fsyncTemp).as("fsync of the temporary file in\n%s", String.join("\n", calls))
                .isGreaterThanOrEqualTo(0);
        assertThat(rename).as("rename after the fsync in\n%s", String.join("\n", calls)).isGreaterThan(fsyncTemp);
        assertThat(fsyncDir).as("fsync of the folder after the rename in\n%s", String.join("\n", calls))
                .isGreaterThan(rename);
    }

    @Test
    void temporaryFilesOfADeadWriterAreIgnoredByTheScanAndRemovedByTheNextSave() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.write(data.resolve("a.png"), png());
        Files.writeString(data.resolve("a.txt"), "a caption");
        long dead = deadPid();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path staleCaption = Files.writeString(data.resolve(".a.txt." + dead + "-123456789.tmp"), "half a capt");
            Path staleImage = Files.write(data.resolve(".b.png." + dead + "-42.tmp"), png());
            Path liveTemp = Files.writeString(data.resolve(".a.txt." + live.pid() + "-7.tmp"), "being written");
            Path notOurs = Files.writeString(data.resolve(".editor-swap.tmp"), "someone else's");
            assertThat(AtomicFiles.isTemporary(staleCaption)).isTrue();
            assertThat(AtomicFiles.isTemporary(notOurs)).isFalse();

            Dataset scanned = DatasetScanner.scan(data);
            assertThat(scanned.items()).extracting(i -> i.name()).containsExactly("a.png");
            assertThat(scanned.items().get(0).caption()).contains("a caption");

            CaptionStore.open(data, Optional.empty()).write(data.resolve("a.png"), "edited");
            assertThat(staleCaption).doesNotExist();
            assertThat(staleImage).doesNotExist();
            assertThat(liveTemp).as("a running writer's file is left alone").exists();
            assertThat(notOurs).exists();
            assertThat(Files.readString(data.resolve("a.txt"))).isEqualTo("edited");
        } finally {
            live.destroyForcibly().waitFor();
        }
    }

    @Test
    void aFileWithAVeryLongNameIsSavedDespiteTheLongerTemporaryName() throws IOException {
        Path file = tmp.resolve("c".repeat(251) + ".txt");
        AtomicFiles.writeString(file, "long");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("long");
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly(file.getFileName().toString());
        }
    }

    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(ProcessHandle.of(p.pid())).isEmpty();
        return p.pid();
    }

    private static byte[] png() throws IOException {
        var img = new java.awt.image.BufferedImage(4, 4, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int indexOf(List<String> lines, java.util.function.Predicate<String> p) {
        for (int i = 0; i < lines.size(); i++) {
            if (p.test(lines.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, tool)));
    }
}
