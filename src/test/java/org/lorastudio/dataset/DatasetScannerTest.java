package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class DatasetScannerTest {
    @TempDir
    Path tmp;

    @Test
    void scansEveryFormatCaseInsensitivelyInSortedOrderWithHeaderSizes() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("c.PNG"), 40, 30, 1);
        TestImages.jpeg(dir.resolve("a.JPEG"), 33, 17, 2);
        TestImages.jpeg(dir.resolve("b.jpg"), 10, 10, 3);
        TestImages.bmp(dir.resolve("e.Bmp"), 9, 7, 4);
        TestImages.webp(dir.resolve("d.webp"), 21, 13, 0xFF112233);
        Files.writeString(dir.resolve("readme.md"), "not an image");
        Files.writeString(dir.resolve("._a.png"), "macOS resource fork");
        Files.writeString(dir.resolve("a.txt"), "caption of a");

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items()).extracting(DatasetItem::name).containsExactly("a.JPEG", "b.jpg", "c.PNG", "d.webp",
                "e.Bmp");
        assertThat(d.items()).extracting(DatasetItem::format).containsExactly(ImageFormat.JPEG, ImageFormat.JPEG,
                ImageFormat.PNG, ImageFormat.WEBP, ImageFormat.BMP);
        assertThat(d.items()).extracting(i -> i.size().orElseThrow().toString())
                .containsExactly("33x17", "10x10", "40x30", "21x13", "9x7");
        assertThat(d.items().get(0).caption()).contains("caption of a");
        assertThat(d.items().get(1).caption()).isEmpty();
        assertThat(d.source()).isEqualTo(CaptionSource.TXT_FILES);
        assertThat(d.problems()).isEmpty();
    }

    @Test
    void kohyaSubfoldersRecordRepeatsAndOtherSubfoldersAreReportedNotRead() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("top.png"), 8, 8, 1);
        TestImages.png(dir.resolve("10_cyberpunk/a.png"), 8, 8, 2);
        Files.writeString(dir.resolve("10_cyberpunk/a.txt"), "city");
        TestImages.png(dir.resolve("3_night city/b.png"), 8, 8, 3);
        TestImages.png(dir.resolve("10_cyberpunk/deeper/x.png"), 8, 8, 4);
        TestImages.png(dir.resolve("raw/c.png"), 8, 8, 5);
        Files.createDirectories(dir.resolve("0_zero"));

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items()).extracting(DatasetItem::name, DatasetItem::repeats).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10_cyberpunk/a.png", 10),
                org.assertj.core.groups.Tuple.tuple("3_night city/b.png", 3),
                org.assertj.core.groups.Tuple.tuple("top.png", 1));
        assertThat(d.items().get(0).caption()).contains("city");
        assertThat(d.trainingItemsPerEpoch()).isEqualTo(14);
        assertThat(d.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.IGNORED_FILES);
            assertThat(p.file()).isEqualTo("raw/");
            assertThat(p.message()).contains("10_raw");
        });
    }

    @Test
    void repeatCountsParseOnlyKohyaNames() {
        assertThat(DatasetScanner.repeatsOf("10_cat")).contains(10);
        assertThat(DatasetScanner.repeatsOf("1_a_b")).contains(1);
        assertThat(DatasetScanner.repeatsOf("0_cat")).isEmpty();
        assertThat(DatasetScanner.repeatsOf("cat_10")).isEmpty();
        assertThat(DatasetScanner.repeatsOf("10_")).isEmpty();
        assertThat(DatasetScanner.repeatsOf("99999999999_cat")).isEmpty();
    }

    @Test
    void symlinkedImageEscapingTheFolderIsRejectedAndNeverRead() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        Path outside = TestImages.png(tmp.resolve("outside.png"), 77, 55, 2);
        Files.createSymbolicLink(dir.resolve("link.png"), outside);
        Files.createSymbolicLink(dir.resolve("link.txt"), tmp.resolve("secret.txt"));
        Files.createDirectories(tmp.resolve("elsewhere"));
        TestImages.png(tmp.resolve("elsewhere/x.png"), 8, 8, 3);
        Files.createSymbolicLink(dir.resolve("5_linked"), tmp.resolve("elsewhere"));
        TestImages.png(dir.resolve("sub/inner.png"), 8, 8, 4);
        Files.createSymbolicLink(dir.resolve("inside-link.png"), dir.resolve("sub/inner.png"));

        Files.writeString(tmp.resolve("secret-a.txt"), "secret");
        Files.createSymbolicLink(dir.resolve("a.txt"), tmp.resolve("secret-a.txt"));

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items()).extracting(DatasetItem::name).containsExactly("a.png", "inside-link.png");
        assertThat(d.items().get(0).caption()).isEmpty();
        assertThat(d.problems()).noneMatch(p -> p.kind() == ProblemKind.UNREADABLE_CAPTION);
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThatThrownBy(() -> store.write(dir.resolve("a.png"), "x")).isInstanceOf(UserException.class);
        assertThat(Files.readString(tmp.resolve("secret-a.txt"))).isEqualTo("secret");
        assertThat(d.problems()).filteredOn(p -> p.kind() == ProblemKind.PATH_ESCAPE)
                .extracting(DatasetProblem::file).containsExactly("5_linked/", "a.txt", "link.png", "link.txt");
        assertThat(d.problems()).filteredOn(p -> p.kind() == ProblemKind.PATH_ESCAPE)
                .allMatch(p -> p.severity() == Severity.ERROR && p.message().contains("outside the dataset folder"));
    }

    @Test
    void metadataRowWithSymlinkEscapingTheFolderIsRejected() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        Path outside = TestImages.png(tmp.resolve("outside.png"), 77, 55, 2);
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/link.png"), outside);
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\na.png,ok\nsub/link.png,evil\n");

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items()).extracting(DatasetItem::name).containsExactly("a.png");
        assertThat(d.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.PATH_ESCAPE);
            assertThat(p.file()).isEqualTo("metadata.csv:3");
            assertThat(p.message()).contains("sub/link.png");
        });
    }

    @Test
    void metadataMayNameImagesInPlainSubfoldersAndKohyaFoldersGiveRepeats() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("extra/b.png"), 8, 8, 1);
        TestImages.png(dir.resolve("4_cat/c.png"), 8, 8, 2);
        Files.writeString(dir.resolve("metadata.jsonl"), "{\"file_name\": \"extra/b.png\", \"text\": \"b\"}\n"
                + "{\"file_name\": \"4_cat/c.png\", \"text\": \"c\"}\n");

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items()).extracting(DatasetItem::name, DatasetItem::repeats, i -> i.caption().orElseThrow())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("4_cat/c.png", 4, "c"),
                        org.assertj.core.groups.Tuple.tuple("extra/b.png", 1, "b"));
    }

    @Test
    void orphanSharedAndIgnoredCaptionFilesAreReported() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        TestImages.jpeg(dir.resolve("a.jpg"), 8, 8, 2);
        Files.writeString(dir.resolve("a.txt"), "shared");
        Files.writeString(dir.resolve("orphan.txt"), "no image");

        Dataset txt = DatasetScanner.scan(dir);
        assertThat(txt.problems()).extracting(DatasetProblem::kind, DatasetProblem::file).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ProblemKind.SHARED_CAPTION, "a.txt"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.ORPHAN_CAPTION, "orphan.txt"));

        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\na.png,x\na.jpg,y\n");
        Dataset csv = DatasetScanner.scan(dir);
        assertThat(csv.problems()).extracting(DatasetProblem::kind, DatasetProblem::file).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ProblemKind.IGNORED_FILES, "metadata.csv"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.ORPHAN_CAPTION, "orphan.txt"));
        assertThat(csv.items()).extracting(i -> i.caption().orElseThrow()).containsExactly("y", "x");
    }

    @Test
    void invalidUtf8CaptionIsAnErrorNamingTheCaptionFile() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        Files.write(dir.resolve("a.txt"), new byte[] {'o', 'k', (byte) 0xFF});

        Dataset d = DatasetScanner.scan(dir);

        assertThat(d.items().get(0).caption()).isEmpty();
        assertThat(d.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(ProblemKind.UNREADABLE_CAPTION);
            assertThat(p.file()).isEqualTo("a.txt");
            assertThat(p.message()).contains("a.txt").contains("UTF-8");
        });
    }

    @Test
    void missingFolderIsAUserError() {
        assertThatThrownBy(() -> DatasetScanner.scan(tmp.resolve("nope"), Optional.empty()))
                .isInstanceOf(UserException.class).hasMessageContaining("nope");
    }
}
