package org.lorastudio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code generate} writes the diffusers reference image of sd-tiny-a (every channel within 2/255). */
@Tag("parity")
class GenerateCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        return Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"model-diffusers", "model-single.safetensors"})
    void writesTheReferenceImage(String model) throws Exception {
        Path png = dir.resolve("x.png");
        Path latents = dir.resolve("latents.safetensors");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "generate", "--model", Fixtures.path("sd-tiny-a/" + model).toString(),
                "--tokenizer", Fixtures.path("sd-tiny-a/model-diffusers/tokenizer").toString(),
                "--prompt", "a red square on a blue background", "--seed", "0", "--steps", "10",
                "--sampler", "ddim", "--guidance", "7.5", "--width", "64", "--height", "64",
                "--save-latents", latents.toString(), "--out", png.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("step 10/10").contains("wrote");
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(64);
        int worst = 0;
        try (SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            float[] expected = ref.readFloats("pipe.image"); // (1, 64, 64, 3) in [0, 1]
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int rgb = img.getRGB(x, y);
                    int[] c = {(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255};
                    for (int ch = 0; ch < 3; ch++) {
                        float e = expected[(y * 64 + x) * 3 + ch] * 255f;
                        worst = Math.max(worst, (int) Math.ceil(Math.abs(c[ch] - e)));
                    }
                }
            }
        }
        assertThat(worst).as("largest channel difference in 1/255").isLessThanOrEqualTo(2);
        try (SafetensorsFile saved = SafetensorsFile.open(latents);
             SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            assertThat(saved.readFloats("init_latents")).containsExactly(ref.readFloats("pipe.init_latents"));
        }
    }

    @Test
    void startLatentsFromFileGiveTheSameImageAsTheSeed() throws Exception {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Path lat = dir.resolve("l.safetensors");
        String model = Fixtures.path("sd-tiny-a/model-diffusers").toString();
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "generate", "--model", model, "--prompt", "a blue circle", "--seed",
                "7", "--steps", "3", "--save-latents", lat.toString(), "--out",
                a.toString())).as(err.toString()).isZero(); // no --width/--height: the model's own 8 × 8 latents
        assertThat(ImageIO.read(a.toFile()).getWidth()).as("default size from the model").isEqualTo(64);
        assertThat(run(new StringWriter(), err, "generate", "--model", model, "--prompt", "a blue circle", "--seed",
                "999", "--latents", lat.toString(), "--steps", "3", "--width", "64", "--height", "64", "--out",
                b.toString())).as(err.toString()).isZero();
        BufferedImage ia = ImageIO.read(a.toFile());
        BufferedImage ib = ImageIO.read(b.toFile());
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                assertThat(ib.getRGB(x, y)).isEqualTo(ia.getRGB(x, y));
            }
        }
    }

    @Test
    void pickleAndMissingTokenizerGetOnePlainLine() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("model.ckpt"), "not really");
        StringWriter err = new StringWriter();
        int code = run(new StringWriter(), err, "generate", "--model", dir.resolve("model.ckpt").toString(),
                "--prompt", "x", "--out", dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("pickle").doesNotContain("Exception").hasLineCount(1);

        java.nio.file.Files.copy(Fixtures.path("sd-tiny-a/model-single.safetensors"), dir.resolve("m.safetensors"));
        err = new StringWriter();
        code = run(new StringWriter(), err, "generate", "--model", dir.resolve("m.safetensors").toString(),
                "--prompt", "x", "--out", dir.resolve("x.png").toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no CLIP tokenizer found").contains("models/tokenizers")
                .hasLineCount(1);
    }
}
