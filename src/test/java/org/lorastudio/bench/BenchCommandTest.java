package org.lorastudio.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;
import org.lorastudio.testing.Fixtures;

/**
 * The benchmark command runs every kind of case on the tiny fixture and prints well-formed JSON lines with the
 * figures it promises. (Benchmarks are not timed tests: no figure is compared with a target here.)
 */
class BenchCommandTest {
    private static final String UNET = Fixtures.path("sd-tiny-a/model-diffusers/unet/config.json").toString();

    @TempDir
    Path dir;

    private record Result(int code, List<JsonNode> rows, String err) {
    }

    private static Result bench(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), all);
        List<JsonNode> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.toString().lines().toList()) {
            rows.add(json.readTree(line)); // every line must be one JSON object
        }
        return new Result(code, rows, err.toString());
    }

    @Test
    void trainStepPrintsTimingMemoryAndOpCounts() throws Exception {
        Result r = bench("--case", "train", "--unet-config", UNET, "--batch", "2", "--latent", "8", "--warmup", "1",
                "--steps", "3", "--gradient-checkpointing", "layers");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.rows()).hasSize(1);
        JsonNode row = r.rows().get(0);
        assertThat(row.path("case").asText()).isEqualTo("train_step");
        assertThat(row.path("checkpointing").asText()).isEqualTo("layers");
        assertThat(row.path("batch").asInt()).isEqualTo(2);
        JsonNode ms = row.path("step_ms");
        assertThat(ms.path("n").asInt()).isEqualTo(3);
        assertThat(ms.path("min").asDouble()).isPositive().isLessThanOrEqualTo(ms.path("median").asDouble());
        assertThat(ms.path("median").asDouble()).isLessThanOrEqualTo(ms.path("max").asDouble());
        assertThat(row.path("items_per_s").asDouble()).isPositive();
        assertThat(row.path("peak_rss_mb").asLong()).isPositive();
        assertThat(row.has("peak_native_mb")).isTrue();
        assertThat(row.path("lora_params").asLong()).isPositive();
        assertThat(row.path("ops_per_step").asLong()).as("native ops counted by the profiler").isGreaterThan(100);
        assertThat(row.path("ops_per_step_nested").asLong()).isGreaterThanOrEqualTo(row.path("ops_per_step")
                .asLong());
        assertThat(row.path("estimate_total_mb").asLong()).isPositive();
        // where the time goes: forward convolutions and their backward nodes are among the slowest of a UNet step
        JsonNode slowest = row.path("slowest_ops_ms");
        assertThat(slowest.size()).isBetween(5, 10);
        assertThat(slowest.fieldNames()).toIterable().anyMatch(n -> n.contains("conv") || n.contains("Convolution"));
        assertThat(row.path("backward_time_ms").asDouble()).isPositive();
    }

    @Test
    void trainingCaseRunsInMixedPrecision() throws Exception {
        Result r = bench("--case", "train", "--unet-config", UNET, "--batch", "1", "--latent", "8", "--warmup",
                "0", "--steps", "2", "--precision", "fp16", "--no-ops");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode row = r.rows().get(0);
        assertThat(row.path("case").asText()).isEqualTo("train_step");
        assertThat(row.path("precision").asText()).isEqualTo("fp16");
        assertThat(row.path("step_ms").path("median").asDouble()).isPositive();
    }

    @Test
    void generationCaseRunsInHalfPrecision() throws Exception {
        Result r = bench("--case", "generate", "--unet-config", UNET, "--batch", "1", "--latent", "8", "--warmup",
                "0", "--steps", "2", "--precision", "fp16", "--no-ops");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode row = r.rows().get(0);
        assertThat(row.path("case").asText()).isEqualTo("generate_step");
        assertThat(row.path("precision").asText()).isEqualTo("fp16");
        assertThat(row.path("cfg_batch").asInt()).isEqualTo(2);
        assertThat(row.path("images_per_s").asDouble()).isPositive();
        assertThat(row.has("ops_per_step")).isFalse();
    }

    @Test
    void driftCasePrintsASampleEveryNStepsAndTheDrift() throws Exception {
        Result r = bench("--drift", "--unet-config", UNET, "--batch", "2", "--latent", "8", "--drift-steps", "20",
                "--drift-every", "10");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.rows()).hasSize(3);
        assertThat(r.rows().get(0).path("step").asInt()).isEqualTo(10);
        assertThat(r.rows().get(1).path("step").asInt()).isEqualTo(20);
        assertThat(r.rows().get(1).path("rss_mb").asLong()).isPositive();
        JsonNode summary = r.rows().get(2);
        assertThat(summary.path("case").asText()).isEqualTo("drift");
        assertThat(summary.path("steps").asInt()).isEqualTo(20);
        assertThat(summary.path("native_drift_pct").isNumber()).isTrue();
        assertThat(summary.path("live_tensors_last").asLong()).as("per-step scoping: no handles pile up")
                .isEqualTo(summary.path("live_tensors_first").asLong());
    }

    @Test
    void dataLoadingCaseMeasuresSerialAndPrefetchedCaching() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(40 + 8 * i, 32, BufferedImage.TYPE_INT_RGB);
            img.setRGB(i, i, 0xff0000);
            ImageIO.write(img, "png", data.resolve("img" + i + ".png").toFile());
        }
        Result r = bench("--case", "data", "--dataset", data.toString(), "--vae",
                Fixtures.path("sd-tiny-a/model-diffusers/vae").toString(), "--resolution", "32", "--steps", "1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode row = r.rows().get(0);
        assertThat(row.path("images").asInt()).isEqualTo(3);
        assertThat(row.path("decode_resize_images_per_s").asDouble()).isPositive();
        assertThat(row.path("serial_images_per_s").asDouble()).isPositive();
        assertThat(row.path("prefetched_images_per_s").asDouble()).isPositive();
    }

    @Test
    void aWrongOptionValueIsOneClearLine() throws Exception {
        Result r = bench("--case", "train", "--unet-config", UNET, "--precision", "fp8");
        assertThat(r.code()).isNotZero();
        assertThat(r.rows()).isEmpty();
        assertThat(r.err()).contains("--precision fp8", "fp32", "fp16").doesNotContain("Exception", "\tat ");
    }
}
