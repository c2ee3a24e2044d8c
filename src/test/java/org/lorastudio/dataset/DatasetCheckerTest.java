package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetCheckerTest {
    @TempDir
    Path dir;

    private DatasetReport check(int resolution) throws IOException {
        return new DatasetChecker(resolution).check(DatasetScanner.scan(dir));
    }

    private static List<DatasetProblem> of(DatasetReport report, String file) {
        return report.problems().stream().filter(p -> p.file().equals(file)).toList();
    }

    private void caption(String image, String text) throws IOException {
        Files.writeString(dir.resolve(image.substring(0, image.lastIndexOf('.')) + ".txt"), text);
    }

    @Test
    void truncatedPngIsCaughtWhetherCutInTheDataOrJustBeforeIend() throws IOException {
        Path half = TestImages.png(dir.resolve("half.png"), 64, 64, 1);
        TestImages.truncate(half, (int) Files.size(half) / 2);
        Path noEnd = TestImages.png(dir.resolve("noend.png"), 64, 64, 2);
        TestImages.truncate(noEnd, (int) Files.size(noEnd) - 12);
        // ImageIO decodes a PNG that lacks only its IEND chunk without complaint: the reason for the chunk walk.
        assertThat(ImageIO.read(noEnd.toFile())).isNotNull();
        caption("half.png", "x");
        caption("noend.png", "x");

        DatasetReport report = check(8);

        assertThat(of(report, "half.png")).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.TRUNCATED_IMAGE);
            assertThat(p.message()).startsWith("image data is truncated");
        });
        assertThat(of(report, "noend.png")).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.TRUNCATED_IMAGE);
            assertThat(p.message()).contains("IEND");
        });
        assertThat(report.hasErrors()).isTrue();
    }

    @Test
    void corruptedPngChunkFailsItsCrc() throws IOException {
        Path png = TestImages.png(dir.resolve("flip.png"), 32, 32, 1);
        byte[] bytes = Files.readAllBytes(png);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(png, bytes);
        caption("flip.png", "x");

        assertThat(of(check(8), "flip.png")).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.UNREADABLE_IMAGE);
            assertThat(p.message()).contains("CRC");
        });
    }

    @Test
    void truncatedJpegWebpAndBmpAreCaught() throws IOException {
        Path jpg = TestImages.jpeg(dir.resolve("cut.jpg"), 64, 64, 1);
        TestImages.truncate(jpg, (int) Files.size(jpg) * 2 / 3);
        Path webp = TestImages.webp(dir.resolve("cut.webp"), 16, 16, 0xFF00FF00);
        TestImages.truncate(webp, (int) Files.size(webp) - 4);
        Path bmp = TestImages.bmp(dir.resolve("cut.bmp"), 16, 16, 2);
        TestImages.truncate(bmp, (int) Files.size(bmp) - 100);
        for (String name : List.of("cut.jpg", "cut.webp", "cut.bmp")) {
            caption(name, "x");
        }

        DatasetReport report = check(8);

        for (String name : List.of("cut.jpg", "cut.webp", "cut.bmp")) {
            assertThat(of(report, name)).as(name).singleElement()
                    .satisfies(p -> assertThat(p.kind()).isEqualTo(ProblemKind.TRUNCATED_IMAGE));
        }
    }

    @Test
    void soundImagesOfEveryFormatPassIncludingJpegWithDataAfterItsEndMarker() throws IOException {
        TestImages.png(dir.resolve("a.png"), 16, 16, 1);
        Path jpg = TestImages.jpeg(dir.resolve("b.jpg"), 16, 16, 2);
        Files.write(jpg, new byte[] {1, 2, 3, (byte) 0xFF, (byte) 0xD8}, java.nio.file.StandardOpenOption.APPEND);
        TestImages.webp(dir.resolve("c.webp"), 16, 16, 0xFF123456);
        TestImages.bmp(dir.resolve("d.bmp"), 16, 16, 3);
        for (String name : List.of("a.png", "b.jpg", "c.webp", "d.bmp")) {
            caption(name, "x");
        }

        DatasetReport report = check(16);

        assertThat(report.problems()).isEmpty();
        assertThat(report.summary().resolutionHistogram()).isEqualTo("16x16: 4");
    }

    @Test
    void garbageWithAnImageExtensionIsUnreadable() throws IOException {
        Files.writeString(dir.resolve("fake.png"), "this is not a png");
        caption("fake.png", "x");

        assertThat(of(check(8), "fake.png")).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.UNREADABLE_IMAGE);
            assertThat(p.severity()).isEqualTo(Severity.ERROR);
        });
    }

    @Test
    void duplicatesNameBothFiles() throws IOException {
        TestImages.png(dir.resolve("a.png"), 16, 16, 7);
        Files.copy(dir.resolve("a.png"), dir.resolve("b.png"));
        caption("a.png", "x");
        caption("b.png", "y");

        assertThat(check(8).problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.DUPLICATE_IMAGE);
            assertThat(p.file()).isEqualTo("b.png");
            assertThat(p.message()).contains("a.png");
            assertThat(p.severity()).isEqualTo(Severity.WARNING);
        });
    }

    @Test
    void imagesWithEitherSideBelowTheResolutionAreWarnedAbout() throws IOException {
        TestImages.png(dir.resolve("wide.png"), 64, 31, 1);
        TestImages.png(dir.resolve("ok.png"), 32, 32, 2);
        caption("wide.png", "x");
        caption("ok.png", "x");

        DatasetReport report = check(32);

        assertThat(report.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.SMALL_IMAGE);
            assertThat(p.file()).isEqualTo("wide.png");
            assertThat(p.message()).contains("64x31").contains("32");
        });
        assertThat(report.hasErrors()).isFalse();
    }

    @Test
    void missingAndEmptyCaptionsAreWarnings() throws IOException {
        TestImages.png(dir.resolve("none.png"), 8, 8, 1);
        TestImages.png(dir.resolve("blank.png"), 8, 8, 2);
        caption("blank.png", "  \n");

        DatasetReport report = check(8);

        assertThat(report.problems()).extracting(DatasetProblem::kind, DatasetProblem::file).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ProblemKind.EMPTY_CAPTION, "blank.png"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.MISSING_CAPTION, "none.png"));
        assertThat(of(report, "none.png").get(0).message()).contains("none.txt not found");
        assertThat(report.summary().captionedCount()).isZero();
    }

    @Test
    void summaryCountsSizesCoverageRepeatsAndTopTags() throws IOException {
        TestImages.png(dir.resolve("2_set/a.png"), 16, 16, 1);
        TestImages.png(dir.resolve("2_set/b.png"), 16, 16, 2);
        TestImages.png(dir.resolve("c.png"), 24, 16, 3);
        TestImages.png(dir.resolve("d.png"), 8, 8, 4);
        Files.writeString(dir.resolve("2_set/a.txt"), "neon, rain");
        Files.writeString(dir.resolve("2_set/b.txt"), "neon, city");
        caption("c.png", "neon");

        DatasetSummary s = check(8).summary();

        assertThat(s.imageCount()).isEqualTo(4);
        assertThat(s.trainingItemsPerEpoch()).isEqualTo(6);
        assertThat(s.captionedCount()).isEqualTo(3);
        assertThat(s.captionCoverage()).isEqualTo(0.75);
        assertThat(s.resolutionHistogram()).isEqualTo("16x16: 2, 24x16: 1, 8x8: 1");
        assertThat(s.topTags()).containsExactly(new TagCount("neon", 3), new TagCount("city", 1),
                new TagCount("rain", 1));
    }

    @Test
    void progressIsReportedAndInterruptionCancels() throws IOException {
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        TestImages.png(dir.resolve("b.png"), 8, 8, 2);
        Dataset d = DatasetScanner.scan(dir);
        List<String> seen = new ArrayList<>();
        new DatasetChecker(8).check(d, (done, total) -> seen.add(done + "/" + total));
        assertThat(seen).containsExactly("1/2", "2/2");

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new DatasetChecker(8).check(d)).isInstanceOf(CancellationException.class);
        } finally {
            Thread.interrupted();
        }
    }
}
