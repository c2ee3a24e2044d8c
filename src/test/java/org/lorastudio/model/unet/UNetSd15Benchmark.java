package org.lorastudio.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.lorastudio.nn.Weights;

/**
 * Measures one forward of the full SD 1.5 UNet (random weights, 3.4 GB float32) at 64×64 latents, batch 1: wall
 * time and peak resident memory, with and without attention query chunking. A measurement, not a timed assertion;
 * tagged slow (excluded by default). Run with
 * {@code mvn -o test -Dsurefire.excludedGroups= -Dtest=UNetSd15Benchmark [-Dunet.bench.chunks=0,1024]} (query chunk
 * sizes to try in turn; peak memory is per JVM, so give one size per run to see its own peak).
 */
@Tag("slow")
class UNetSd15Benchmark {
    @Test
    void sd15ForwardAt64x64() throws IOException {
        System.out.printf("threads: %d cores; RSS before weights: %s%n", Runtime.getRuntime().availableProcessors(),
                mib("VmRSS"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.sd15());
            long t0 = System.nanoTime();
            // drawn with std 0.02 directly, so no unscaled copy stays alive in the manager
            Weights.initialize(unet, manager, p -> manager.randomNormal(0f, 0.02f, p.shape(), DataType.FLOAT32));
            System.out.printf("random init of %,d parameters: %.1f s; RSS %s, peak %s%n", unet.parameterCount(),
                    (System.nanoTime() - t0) / 1e9, mib("VmRSS"), mib("VmHWM"));
            for (String c : System.getProperty("unet.bench.chunks", "0,1024").split(",")) {
                int chunk = Integer.parseInt(c.trim());
                unet.setAttentionQueryChunk(chunk);
                for (int run = 1; run <= 2; run++) {
                    try (NDManager step = manager.newSubManager()) {
                        NDArray sample = step.randomNormal(new Shape(1, 4, 64, 64));
                        NDArray context = step.randomNormal(new Shape(1, 77, 768));
                        long s = System.nanoTime();
                        NDArray out = unet.forward(sample, step.create(new long[] {500}), context);
                        float std = out.sub(out.mean()).square().mean().sqrt().getFloat();
                        System.out.printf("query chunk %4d, run %d: forward %.2f s, output %s std %.4f; RSS %s, "
                                + "peak so far %s%n", chunk, run, (System.nanoTime() - s) / 1e9, out.getShape(), std,
                                mib("VmRSS"), mib("VmHWM"));
                        assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 64, 64));
                    }
                }
            }
        }
    }

    /** A field of /proc/self/status (Linux) in MiB. */
    private static String mib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                long kb = Long.parseLong(line.replaceAll("\\D", ""));
                return String.format("%,d MiB", kb / 1024);
            }
        }
        return "n/a";
    }
}
