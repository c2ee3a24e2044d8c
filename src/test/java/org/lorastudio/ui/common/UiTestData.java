package org.lorastudio.ui.common;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.lorastudio.demo.DemoDatasetGenerator;

/** Test data for the UI tests: small images and a demo-like workspace. */
public final class UiTestData {
    private UiTestData() {
    }

    /** A PNG of one colour with a darker square, {@code width}x{@code height}. */
    public static byte[] pngBytes(int width, int height, int rgb) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(rgb).darker());
        g.fillRect(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static Path png(Path file, int width, int height, int rgb) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, pngBytes(width, height, rgb));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A workspace like the demo's: {@code datasets/demo} with {@code count} generated images and captions (the
     * demo generator's pictures), {@code configs/demo.yaml} pointing at it.
     */
    public static Path demoWorkspace(Path dir, int count) {
        try {
            Path workspace = dir.resolve("workspace");
            DemoDatasetGenerator.generate(workspace.resolve("datasets").resolve("demo"),
                    DemoDatasetGenerator.DEFAULT_SEED, count, 64);
            Files.createDirectories(workspace.resolve("configs"));
            Files.createDirectories(dir.resolve("models").resolve("demo"));
            Files.writeString(workspace.resolve("configs").resolve("demo.yaml"), DEMO_CONFIG);
            return workspace;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config in {@code workspace/configs} with comments and an unknown-to-the-form layout. */
    public static final String DEMO_CONFIG = """
            # The demo config: trains in a few minutes on two CPU cores.
            name: demo
            base_model: ../../models/demo   # the tiny SD 1.5-architecture model
            train_data_dir: ../datasets/demo
            resolution: 64
            lora_rank: 4   # small on purpose
            batch_size: 4
            epochs: 15
            learning_rate: 1e-3
            save_steps: 20
            sample_every_n_steps: 20
            sample_prompts:
              - "a red circle on a white background"
              - "a blue square on a black background"
            # sampling is cheap at 64 px
            sample_steps: 10
            """;
}
