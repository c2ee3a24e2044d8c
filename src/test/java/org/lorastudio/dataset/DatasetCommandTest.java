package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code lorastudio dataset check|tags} through the real command line. */
class DatasetCommandTest {
    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * The acceptance case: one folder with a truncated PNG, an image without caption, a duplicate pair, a tiny
     * image, an orphan caption file and a metadata.csv row pointing at {@code ../outside.png}. The metadata file
     * is the caption source (it wins over .txt files); the orphan .txt is still reported because it has no image.
     */
    @Test
    void checkNamesEveryProblemAndFailsWithoutReadingOutsideTheFolder() throws IOException {
        Path dir = tmp.resolve("data");
        Path truncated = TestImages.png(dir.resolve("truncated.png"), 600, 600, 1);
        TestImages.truncate(truncated, (int) Files.size(truncated) / 2);
        TestImages.png(dir.resolve("uncaptioned.png"), 512, 512, 2);
        TestImages.png(dir.resolve("dup1.png"), 512, 512, 3);
        Files.copy(dir.resolve("dup1.png"), dir.resolve("dup2.png"));
        TestImages.png(dir.resolve("tiny.png"), 64, 64, 4);
        Files.writeString(dir.resolve("orphan.txt"), "a caption without its image");
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\n"
                + "truncated.png,\"neon, rain\"\n"
                + "dup1.png,\"neon, city\"\n"
                + "dup2.png,\"neon, city\"\n"
                + "tiny.png,small\n"
                + "../outside.png,escape attempt\n");
        // outside.png sits beside the folder with a size no dataset image has: if it were read, 333x111 would
        // show up in the resolution histogram; and its access time is set far in the past to see a read.
        Path outside = TestImages.png(tmp.resolve("outside.png"), 333, 111, 5);
        FileTime past = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
        Files.setAttribute(outside, "lastAccessTime", past);

        Result r = run("dataset", "check", dir.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEmpty();
        assertThat(r.out())
                .contains("ERROR  truncated.png: image data is truncated")
                .containsPattern("WARN +uncaptioned.png: has no caption")
                .containsPattern("WARN +dup2.png: has the same content as dup1.png")
                .containsPattern("WARN +tiny.png: 64x64 is smaller than the training resolution 512")
                .containsPattern("WARN +orphan.txt: caption file has no image")
                .contains("ERROR  metadata.csv:6: '../outside.png' was not read")
                .contains("Resolutions: 512x512: 3, 600x600: 1, 64x64: 1")
                .contains("Captions:    4 of 5 images (80%) from metadata.csv")
                .contains("Top tags:    neon (3), city (2), rain (1), small (1)")
                .contains("2 error(s)")
                .doesNotContain("333x111");
        assertThat(r.out().indexOf("ERROR")).isLessThan(r.out().indexOf("WARN"));
        assertThat(Files.getAttribute(outside, "lastAccessTime")).isEqualTo(past);
    }

    @Test
    void cleanDatasetExitsZeroAndWarningsDoNotFail() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 64, 64, 1);
        Files.writeString(dir.resolve("a.txt"), "cat");

        Result small = run("dataset", "check", dir.toString());
        assertThat(small.code()).isZero();
        assertThat(small.out()).contains("WARN   a.png").contains("no errors, 1 warning(s)");

        Result ok = run("dataset", "check", dir.toString(), "--resolution", "64");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).doesNotContain("WARN").contains("Resolutions: 64x64: 1");
    }

    @Test
    void jsonFormatCarriesProblemsAndSummary() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 64, 64, 1);
        Files.writeString(dir.resolve("a.txt"), "cat, sofa");
        Files.writeString(dir.resolve("x.png"), "garbage");

        Result r = run("dataset", "check", dir.toString(), "--format", "json", "--resolution", "32");

        assertThat(r.code()).isEqualTo(1);
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("errors").asInt()).isEqualTo(1);
        assertThat(json.get("problems").get(0).get("file").asText()).isEqualTo("x.png");
        assertThat(json.get("problems").get(0).get("kind").asText()).isEqualTo("unreadable_image");
        assertThat(json.at("/summary/resolutions/64x64").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/top_tags/0/tag").asText()).isEqualTo("cat");
    }

    @Test
    void explicitMetadataOptionIsUsed() throws IOException {
        Path dir = tmp.resolve("data");
        TestImages.png(dir.resolve("a.png"), 64, 64, 1);
        Path meta = Files.writeString(tmp.resolve("captions.jsonl"), "{\"file_name\": \"a.png\", \"text\": \"x\"}\n");

        Result r = run("dataset", "check", dir.toString(), "--metadata", meta.toString(), "--resolution", "64");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("1 of 1 images (100%) from captions.jsonl");
    }

    @Test
    void missingFolderIsOnePlainErrorLine() {
        Result r = run("dataset", "check", tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: dataset folder not found").doesNotContain("\n")
                .doesNotContain("Exception");
    }

    @Test
    void tagsPrintsTheFrequencyTable() throws IOException {
        Path dir = tmp.resolve("data");
        for (int i = 0; i < 3; i++) {
            TestImages.png(dir.resolve(i + ".png"), 8, 8, i);
        }
        Files.writeString(dir.resolve("0.txt"), "neon, rain");
        Files.writeString(dir.resolve("1.txt"), "rain, city");
        Files.writeString(dir.resolve("2.txt"), "rain");

        Result all = run("dataset", "tags", dir.toString());
        assertThat(all.code()).isZero();
        assertThat(all.out()).isEqualTo(String.format("%7s  %s%n%7d  %s%n%7d  %s%n%7d  %s%n", "images", "tag", 3,
                "rain", 1, "city", 1, "neon"));

        Result top = run("dataset", "tags", dir.toString(), "--top", "1");
        assertThat(top.out().lines()).containsExactly(" images  tag", "      3  rain");
    }

    @Test
    void everyDatasetCommandHasHelp() {
        for (String[] args : new String[][] {{"dataset", "--help"}, {"dataset", "check", "--help"},
                {"dataset", "tags", "--help"}}) {
            Result r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).contains("Usage:");
        }
        assertThat(run("dataset", "check", "--help").out()).contains("--resolution").contains("--metadata")
                .contains("--format");
        assertThat(run("dataset", "tags", "--help").out()).contains("--top");
    }
}
