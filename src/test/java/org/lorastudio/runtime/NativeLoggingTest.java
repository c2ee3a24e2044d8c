package org.lorastudio.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.testing.ChildJvm;
import org.lorastudio.testing.Fixtures;

/**
 * libtorch's NNPACK warning lines (issue 13, item 5). This CPU may well support NNPACK, so the child processes get a
 * stand-in {@code nnp_initialize} that reports "unsupported hardware" (an {@code LD_PRELOAD} library compiled here),
 * which makes libtorch print its warning exactly as on the machines that showed it. A plain DJL convolution then
 * prints it; the studio's own commands do not.
 */
class NativeLoggingTest {
    @Test
    void theLogThresholdIsRaisedOnceTheFirstConvolutionRuns() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 2, 4, 4));
            org.lorastudio.nn.Convolution.conv2d(x, m.ones(new Shape(3, 2, 3, 3)), null, 1, 1);
        }
        assertThat(NativeLogging.status()).hasValueSatisfying(s -> assertThat(s).startsWith("errors only"));
    }

    @Test
    void readsMappingsAndTheDynamicSymbolTable() throws IOException {
        Optional<NativeLogging.Mapping> m = NativeLogging.parseMapping(
                "7f1c2a000000-7f1c2a100000 rw-p 00112000 08:01 1234      /opt/lib/libc10.so");
        assertThat(m).hasValueSatisfying(x -> {
            assertThat(x.start()).isEqualTo(0x7f1c2a000000L);
            assertThat(x.end()).isEqualTo(0x7f1c2a100000L);
            assertThat(x.writable()).isTrue();
            assertThat(x.fileOffset()).isEqualTo(0x112000L);
            assertThat(x.path()).isEqualTo("/opt/lib/libc10.so");
        });
        assertThat(NativeLogging.parseMapping("7f1c2a000000-7f1c2a100000 r--s 00000000 08:01 1234 /tmp/f"))
                .as("a file mapped for reading is not a loaded library").isEmpty();
        assertThat(NativeLogging.parseMapping("7ffd1000-7ffd2000 rw-p 00000000 00:00 0 [stack]")).isEmpty();

        ai.djl.engine.Engine.getInstance();
        Path libc10 = Path.of(NativeLogging.mappings().stream().filter(x -> x.path().endsWith("/libc10.so"))
                .findFirst().orElseThrow().path());
        assertThat(NativeLogging.symbolOffset(libc10, "FLAGS_caffe2_log_level")).hasValueSatisfying(
                v -> assertThat(v).isPositive());
        assertThat(NativeLogging.symbolOffset(libc10, "FLAGS_caffe2_log_level_no_such_symbol")).isEmpty();
    }

    @Test
    void noNnpackLinesWhereLibtorchWouldPrintThem(@TempDir Path dir) throws Exception {
        Path stub = compileUnsupportedNnpack(dir);
        ChildJvm.Result plain = ChildJvm.of(PlainConvolution.class).env("LD_PRELOAD", stub.toString())
                .output(dir.resolve("plain.log")).run(120);
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        assertThat(plain.output()).as("the stand-in provokes libtorch's warning")
                .contains("Could not initialize NNPACK! Reason: Unsupported hardware.");

        ChildJvm.Result studio = ChildJvm.cli().env("LD_PRELOAD", stub.toString()).output(dir.resolve("gen.log"))
                .args("generate", "--model", Fixtures.path("sd-tiny-a/model-diffusers").toString(),
                        "--prompt", "a red square", "--steps", "2", "--width", "64", "--height", "64",
                        "--out", dir.resolve("out.png").toString()).run(300);
        assertThat(studio.exitCode()).as(studio.output()).isZero();
        assertThat(dir.resolve("out.png")).exists();
        assertThat(studio.output()).doesNotContain("NNPACK");
    }

    /** A child that runs convolutions through DJL directly, as code without the seam would. */
    public static final class PlainConvolution {
        public static void main(String[] args) {
            try (NDManager m = NDManager.newBaseManager()) {
                for (int batch : new int[] {1, 2}) {
                    NDArray x = m.ones(new Shape(batch, 8, 16, 16));
                    ai.djl.nn.convolutional.Conv2d.conv2d(x, m.ones(new Shape(8, 8, 3, 3)), null, new Shape(1, 1),
                            new Shape(1, 1), new Shape(1, 1), 1).singletonOrThrow().sum().getFloat();
                }
            }
        }
    }

    private static Path compileUnsupportedNnpack(Path dir) throws Exception {
        assumeThat(onPath("cc")).as("no C compiler (cc): the NNPACK stand-in cannot be built here").isTrue();
        Path source = dir.resolve("nnpack_unsupported.c");
        Files.writeString(source, "int nnp_initialize(void) { return 51; /* nnp_status_unsupported_hardware */ }\n");
        Path lib = dir.resolve("libnnpack_unsupported.so");
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), source.toString())
                .redirectErrorStream(true).start();
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as(new String(cc.getInputStream().readAllBytes())).isZero();
        return lib;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}
