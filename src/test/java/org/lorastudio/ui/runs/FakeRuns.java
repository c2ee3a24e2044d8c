package org.lorastudio.ui.runs;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import javax.imageio.ImageIO;

import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.AtomicFiles;

/** Run folders for UI tests and screenshots, made with the core's own {@link RunFolder} and {@link MetricsLog}. */
public final class FakeRuns {
    private FakeRuns() {
    }

    /** A config like the demo's, with the given rank and learning rate. */
    public static String config(String name, int rank, String lr, int epochs) {
        return "# demo-like config\nname: " + name + "\nbase_model: ../../models/demo\n"
                + "train_data_dir: ../../workspace/datasets/demo\nresolution: 64\nlora_rank: " + rank + "\n"
                + "batch_size: 4\nepochs: " + epochs + "\nlearning_rate: " + lr + "\nsample_prompts:\n"
                + "  - \"a red circle\"\n  - \"a blue square\"\n";
    }

    /**
     * A completed run: {@code steps} logged points over {@code epochs} epochs (loss decaying from
     * {@code startLoss} with some noise), final metrics, notes with a filled Goal, and sample PNGs at the given
     * steps for two prompts.
     */
    public static RunFolder completed(Path runsDir, String name, Instant created, int rank, String lr, int epochs,
                                      int steps, double startLoss, List<Integer> sampleSteps) throws IOException {
        RunFolder f = RunFolder.create(runsDir, name, "sd15", config(name, rank, lr, epochs), created);
        java.util.Random rnd = new java.util.Random(name.hashCode());
        try (MetricsLog log = f.openMetricsLog()) {
            int perEpoch = Math.max(1, steps / epochs);
            for (int s = 1; s <= steps; s++) {
                double loss = startLoss * Math.exp(-3.0 * s / steps) + 0.02 + rnd.nextGaussian() * 0.01;
                log.append(new MetricPoint(s, Math.min(epochs, (s - 1) / perEpoch + 1), loss,
                        Double.parseDouble(lr), s * 0.5, 8.0));
            }
        }
        List<MetricPoint> points = f.metrics();
        f.update(r -> r.started(created).withTotalSteps(steps).withStepsDone(steps)
                .completed(created.plusSeconds(steps / 2 + 30), FinalMetrics.from(points, steps / 2.0 + 30, null),
                        List.of()));
        for (int s : sampleSteps) {
            for (int p = 0; p < 2; p++) {
                BufferedImage img = sample(s, p, rank);
                AtomicFiles.write(f.samplesDir().resolve("step" + s + "-p" + p + ".png"),
                        out -> ImageIO.write(img, "png", out));
            }
        }
        // the Goal hint (whatever the template says) becomes the user's goal
        String notes = f.notesText().replaceFirst("(?m)^_What do you want to find out[^\\n]*$",
                "Does rank " + rank + " learn the shapes faster?");
        AtomicFiles.writeString(f.notesFile(), notes);
        return f;
    }

    /** A 64×64 picture that changes with step and prompt, so the grid shows something. */
    static BufferedImage sample(int step, int prompt, int rank) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(prompt == 0 ? Color.WHITE : Color.BLACK);
        g.fillRect(0, 0, 64, 64);
        g.setColor(prompt == 0 ? new Color(200, 30, 30) : new Color(30, 60, 200));
        int size = Math.min(56, 12 + step / 4 + rank);
        if (prompt == 0) {
            g.fillOval(32 - size / 2, 32 - size / 2, size, size);
        } else {
            g.fillRect(32 - size / 2, 32 - size / 2, size, size);
        }
        g.dispose();
        return img;
    }
}
