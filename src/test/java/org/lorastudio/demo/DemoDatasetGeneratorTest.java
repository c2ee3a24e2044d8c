package org.lorastudio.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDatasetGeneratorTest {
    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesByteIdenticalFiles() throws Exception {
        List<Path> a = DemoDatasetGenerator.generate(tmp.resolve("a"));
        List<Path> b = DemoDatasetGenerator.generate(tmp.resolve("b"));
        assertThat(a).hasSizeGreaterThanOrEqualTo(24).hasSameSizeAs(b);
        List<String> namesA;
        try (var s = Files.list(tmp.resolve("a"))) {
            namesA = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(namesA).hasSize(2 * a.size());
        for (String name : namesA) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(name))).as(name)
                    .isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(name)));
        }
    }

    @Test
    void imagesAre64PixelSquaresWithConcreteDistinctCaptions() throws Exception {
        List<Path> pngs = DemoDatasetGenerator.generate(tmp);
        Set<String> captions = new HashSet<>();
        Set<Integer> pixelHashes = new HashSet<>();
        for (Path png : pngs) {
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(64);
            assertThat(img.getHeight()).isEqualTo(64);
            pixelHashes.add(Arrays.hashCode(img.getRGB(0, 0, 64, 64, null, 0, 64)));
            Path txt = png.resolveSibling(png.getFileName().toString().replace(".png", ".txt"));
            String caption = Files.readString(txt, StandardCharsets.UTF_8);
            assertThat(caption).isNotBlank().endsWith("background")
                    .containsAnyOf("square", "circle", "triangle", "star");
            captions.add(caption);
        }
        assertThat(captions).hasSameSizeAs(pngs).noneMatch(c -> c.contains("a orange"));
        assertThat(pixelHashes).hasSameSizeAs(pngs);
        assertThat(captions).anyMatch(c -> c.matches("an? \\w+ square on an? \\w+ background"));
        assertThat(captions).anyMatch(c -> c.contains(" above ") || c.contains(" below ") || c.contains(" left "));
    }

    @Test
    void captionsDescribeThePixels() throws Exception {
        DemoDatasetGenerator.Scene scene = DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 32).get(0);
        BufferedImage img = DemoDatasetGenerator.render(scene, 64);
        // a single shape is centred; the corner shows the background
        assertThat(img.getRGB(32, 32) & 0xFFFFFF).isEqualTo(scene.first().colour().rgb().getRGB() & 0xFFFFFF);
        assertThat(img.getRGB(1, 1) & 0xFFFFFF).isEqualTo(scene.background().rgb().getRGB() & 0xFFFFFF);
    }

    @Test
    void otherSeedsAndSizesWork() throws Exception {
        List<Path> big = DemoDatasetGenerator.generate(tmp, 7, 24, 128);
        assertThat(big).hasSize(24);
        assertThat(ImageIO.read(big.get(0).toFile()).getWidth()).isEqualTo(128);
        assertThat(DemoDatasetGenerator.scenes(7, 24)).isNotEqualTo(
                DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 24));
    }

    @Test
    void hollowScenesShowTheBackgroundInsideTheOutlineAndCarryTheTrigger() throws Exception {
        List<Path> pngs = DemoDatasetGenerator.generate(tmp, DemoDatasetGenerator.DEFAULT_SEED, 24, 64,
                DemoDatasetGenerator.Fill.HOLLOW);
        assertThat(pngs).hasSize(24);
        for (Path png : pngs) {
            String caption = Files.readString(png.resolveSibling(png.getFileName().toString().replace(".png", ".txt")));
            assertThat(caption).startsWith("zkx style, ").endsWith("background");
        }
        assertThat(Files.readString(tmp.resolve("demo_000.txt")))
                .isEqualTo("zkx style, " + DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 24).get(0)
                        .caption());
        for (DemoDatasetGenerator.Scene scene : DemoDatasetGenerator.scenes(DemoDatasetGenerator.DEFAULT_SEED, 16)) {
            if (scene.second() != null) {
                continue;
            }
            BufferedImage solid = DemoDatasetGenerator.render(scene, 64);
            BufferedImage hollow = DemoDatasetGenerator.render(scene, 64, DemoDatasetGenerator.Fill.HOLLOW);
            int bg = scene.background().rgb().getRGB() & 0xFFFFFF;
            int fg = scene.first().colour().rgb().getRGB() & 0xFFFFFF;
            // the single shapes are centred: the centre is the shape's colour when solid, the background when hollow
            assertThat(solid.getRGB(32, 32) & 0xFFFFFF).as(scene.caption()).isEqualTo(fg);
            assertThat(hollow.getRGB(32, 32) & 0xFFFFFF).as(scene.caption()).isEqualTo(bg);
            // the outline lies inside the silhouette: nothing is drawn where the solid shape is not
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    if ((solid.getRGB(x, y) & 0xFFFFFF) == bg) {
                        assertThat(hollow.getRGB(x, y) & 0xFFFFFF).as("%s at %d,%d", scene.caption(), x, y)
                                .isEqualTo(bg);
                    }
                }
            }
        }
    }

    @Test
    void theCommittedDemoDataSetIsTheGeneratorsStyleSet() throws Exception {
        Path committed = Path.of("workspace/datasets/demo");
        List<Path> pngs = DemoDatasetGenerator.generateStyleSet(tmp);
        List<String> names;
        try (var s = Files.list(committed)) {
            names = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(names).hasSize(2 * pngs.size());
        for (String name : names) {
            assertThat(Files.readAllBytes(committed.resolve(name))).as(name + ": regenerate with "
                    + "DemoDatasetGenerator.generateStyleSet").isEqualTo(Files.readAllBytes(tmp.resolve(name)));
        }
    }
}
