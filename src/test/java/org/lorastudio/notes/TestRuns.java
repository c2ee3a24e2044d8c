package org.lorastudio.notes;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import javax.imageio.ImageIO;

import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.SampleIndex;

/** Run folders for tests: real layout, fake metrics, tiny sample PNGs drawn with Java2D, fake weights. */
public final class TestRuns {
    public static final Instant T = Instant.parse("2026-11-29T07:15:30Z");
    public static final List<String> PROMPTS = List.of("neon street at night, rain", "a cyberpunk cat");
    public static final List<Long> SAMPLE_STEPS = List.of(10L, 20L, 30L);
    public static final String LORA = "cyberpunk_r8_lr2e-4_ep10.safetensors";

    private TestRuns() {
    }

    /** A valid config; the data folder is {@code datasets/neon} next to the runs folder's parent. */
    public static String config(String name, int rank, String lr) {
        return "name: " + name + "\n"
                + "base_model: ../../models/sd15.safetensors\n"
                + "train_data_dir: ../../datasets/neon\n"
                + "lora_rank: " + rank + "\n"
                + "learning_rate: " + lr + "\n"
                + "epochs: 10\n"
                + "sample_prompts: [\"" + PROMPTS.get(0) + "\", \"" + PROMPTS.get(1) + "\"]\n";
    }

    /** A run that trained 30 steps: metrics, samples (2 prompts x 3 steps), a LoRA file and a checkpoint. */
    public static RunFolder finished(Path runsDir, String name, String configYaml, Instant t) throws IOException {
        RunFolder run = RunFolder.create(runsDir, name, "sd15", configYaml, t);
        try (MetricsLog log = run.openMetricsLog()) {
            for (int s = 1; s <= 30; s++) {
                double loss = 0.3 * Math.exp(-s / 10.0) + 0.05 + ((s % 3) - 1) * 0.01;
                log.append(new MetricPoint(s, 1 + (s - 1) / 10, loss, 2e-4, s * 2.0, 4.0));
            }
        }
        SampleIndex.writePrompts(run.samplesDir(), PROMPTS);
        for (long step : SAMPLE_STEPS) {
            for (int p = 0; p < PROMPTS.size(); p++) {
                Files.write(run.samplesDir().resolve(SampleIndex.fileName(step, p)),
                        png(new Color((int) step * 8, p * 120, 200)));
            }
        }
        Files.write(run.dir().resolve(LORA), new byte[] {1, 2, 3, 4});
        Files.write(run.checkpointsDir().resolve("state.safetensors"), new byte[] {5, 6});
        run.update(r -> r.withTotalSteps(30).withStepsDone(30).started(t.plusSeconds(5)).withDevice("cpu", "no")
                .completed(t.plusSeconds(65), FinalMetrics.from(run.metrics(), 60.0, 3L << 30), List.of(LORA)));
        return run;
    }

    /** A 16x16 PNG of one colour. */
    public static byte[] png(Color color) throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
