package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class MetadataCaptionStoreTest {
    @TempDir
    Path dir;

    @BeforeEach
    void images() {
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        TestImages.png(dir.resolve("b.png"), 8, 8, 2);
        TestImages.png(dir.resolve("c.png"), 8, 8, 3);
    }

    @Test
    void csvQuotingHandlesCommasQuotesAndNewlines() throws IOException {
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text,score\r\n"
                + "a.png,\"neon, rain\",1\r\n"
                + "b.png,\"she said \"\"hi\"\"\",2\r\n"
                + "c.png,\"line one\r\nline two\",3\r\n");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThat(store.source()).isEqualTo(CaptionSource.METADATA_CSV);
        assertThat(store.problems()).isEmpty();
        assertThat(store.read(dir.resolve("a.png"))).contains("neon, rain");
        assertThat(store.read(dir.resolve("b.png"))).contains("she said \"hi\"");
        assertThat(store.read(dir.resolve("c.png"))).contains("line one\nline two");
    }

    @Test
    void csvWriteRewritesOneRowAndKeepsEveryOtherByte() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String before = "file_name,text,score\r\n"
                + "\"a.png\",\"neon, rain\",1\r\n"
                + "b.png,old,2\r\n"
                + "c.png,\"x \"\"y\"\"\",3\r\n";
        Path csv = dir.resolve("metadata.csv");
        Files.write(csv, concat(bom, before.getBytes(StandardCharsets.UTF_8)));
        CaptionStore store = CaptionStore.open(dir, Optional.empty());

        store.write(dir.resolve("b.png"), "new, with \"quotes\"\nand a line");

        String after = "file_name,text,score\r\n"
                + "\"a.png\",\"neon, rain\",1\r\n"
                + "b.png,\"new, with \"\"quotes\"\"\r\nand a line\",2\r\n"
                + "c.png,\"x \"\"y\"\"\",3\r\n";
        assertThat(Files.readAllBytes(csv)).isEqualTo(concat(bom, after.getBytes(StandardCharsets.UTF_8)));
        assertThat(store.read(dir.resolve("b.png"))).contains("new, with \"quotes\"\nand a line");
        assertThat(CaptionStore.open(dir, Optional.empty()).read(dir.resolve("b.png")))
                .contains("new, with \"quotes\"\nand a line");
    }

    @Test
    void csvWriteAppendsARowForAnUnlistedImage() throws IOException {
        Path csv = dir.resolve("metadata.csv");
        Files.writeString(csv, "file_name,text,score\na.png,x,1");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        store.write(dir.resolve("c.png"), "city, rain");
        assertThat(Files.readString(csv)).isEqualTo("file_name,text,score\na.png,x,1\nc.png,\"city, rain\",");
    }

    @Test
    void malformedCsvLinesAreReportedByLineNumber() throws IOException {
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\n"
                + "a.png,fine\n"
                + "b.png,too,many\n"
                + "c.png,bad \"quote\n"
                + "d.png,\"never closed\n"
                + "more\n");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThat(store.problems()).extracting(DatasetProblem::file)
                .containsExactly("metadata.csv:3", "metadata.csv:4", "metadata.csv:5");
        assertThat(store.problems()).allMatch(p -> p.kind() == ProblemKind.MALFORMED_METADATA);
        assertThat(store.problems().get(2).message()).contains("never closed");
        assertThat(store.read(dir.resolve("a.png"))).contains("fine");
        assertThatThrownBy(() -> store.write(dir.resolve("a.png"), "x"))
                .isInstanceOf(UserException.class).hasMessageContaining("metadata.csv:3");
    }

    @Test
    void csvHeaderWithoutTextColumnIsReported() throws IOException {
        Files.writeString(dir.resolve("metadata.csv"), "file_name,caption\na.png,x\n");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThat(store.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("metadata.csv:1");
            assertThat(p.message()).contains("'text'").contains("file_name,caption");
        });
    }

    @Test
    void jsonlReadsRowsAndReportsMalformedLinesByNumber() throws IOException {
        Files.writeString(dir.resolve("metadata.jsonl"), "{\"file_name\": \"a.png\", \"text\": \"neon\"}\n"
                + "\n"
                + "{\"file_name\": \"b.png\", \"text\": \n"
                + "[1, 2]\n"
                + "{\"file_name\": \"c.png\", \"text\": 5}\n"
                + "{\"file_name\": \"c.png\", \"file_name\": \"b.png\"}\n"
                + "{\"file_name\": \"c.png\"}\n");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThat(store.source()).isEqualTo(CaptionSource.METADATA_JSONL);
        assertThat(store.problems()).extracting(DatasetProblem::file)
                .containsExactly("metadata.jsonl:3", "metadata.jsonl:4", "metadata.jsonl:5", "metadata.jsonl:6");
        assertThat(store.read(dir.resolve("a.png"))).contains("neon");
        assertThat(store.read(dir.resolve("c.png"))).isEmpty();
    }

    @Test
    void jsonlWriteRewritesOneLineKeepingKeysAndPythonSpacing() throws IOException {
        Path jsonl = dir.resolve("metadata.jsonl");
        Files.writeString(jsonl, "{\"file_name\": \"a.png\", \"text\": \"neon\", \"score\": 1}\r\n"
                + "{\"file_name\":\"b.png\",\"text\":\"old\"}\r\n");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        store.write(dir.resolve("a.png"), "neon, \"rain\"");
        store.write(dir.resolve("c.png"), "new");
        assertThat(Files.readString(jsonl)).isEqualTo(
                "{\"file_name\": \"a.png\", \"text\": \"neon, \\\"rain\\\"\", \"score\": 1}\r\n"
                        + "{\"file_name\":\"b.png\",\"text\":\"old\"}\r\n"
                        + "{\"file_name\": \"c.png\", \"text\": \"new\"}\r\n");
    }

    @Test
    void explicitMetadataWinsOverTheFolderAndTheFolderOverTxtFiles() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "from txt");
        assertThat(CaptionStore.open(dir, Optional.empty()).read(dir.resolve("a.png"))).contains("from txt");

        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\na.png,from folder csv\n");
        assertThat(CaptionStore.open(dir, Optional.empty()).read(dir.resolve("a.png"))).contains("from folder csv");

        Path explicit = dir.resolveSibling(dir.getFileName() + "-captions.jsonl");
        Files.writeString(explicit, "{\"file_name\": \"a.png\", \"text\": \"from explicit\"}\n");
        try {
            CaptionStore store = CaptionStore.open(dir, Optional.of(explicit));
            assertThat(store.read(dir.resolve("a.png"))).contains("from explicit");
            assertThat(store.metadataFile()).contains(explicit);
        } finally {
            Files.delete(explicit);
        }
    }

    @Test
    void bothMetadataFilesInTheFolderAreAmbiguous() throws IOException {
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\n");
        Files.writeString(dir.resolve("metadata.jsonl"), "");
        assertThatThrownBy(() -> CaptionStore.open(dir, Optional.empty())).isInstanceOf(UserException.class)
                .hasMessageContaining("metadata.csv").hasMessageContaining("metadata.jsonl");
    }

    @Test
    void missingExplicitMetadataIsAUserError() {
        assertThatThrownBy(() -> CaptionStore.open(dir, Optional.of(dir.resolve("nope.csv"))))
                .isInstanceOf(UserException.class).hasMessageContaining("nope.csv");
    }

    @Test
    void rowsLeavingTheFolderMissingOrDuplicatedAreReported() throws IOException {
        Files.writeString(dir.resolve("metadata.csv"), "file_name,text\n"
                + "../outside.png,x\n"
                + "/etc/passwd,x\n"
                + "gone.png,x\n"
                + "a.png,first\n"
                + "./a.png,second\n"
                + "notes.md,x\n");
        Files.writeString(dir.resolve("notes.md"), "hi");
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThat(store.problems()).extracting(DatasetProblem::kind, DatasetProblem::file).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ProblemKind.PATH_ESCAPE, "metadata.csv:2"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.PATH_ESCAPE, "metadata.csv:3"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.MISSING_FILE, "metadata.csv:4"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.DUPLICATE_ROW, "metadata.csv:6"),
                org.assertj.core.groups.Tuple.tuple(ProblemKind.UNSUPPORTED_FILE, "metadata.csv:7"));
        assertThat(store.problems().get(0).message()).contains("'../outside.png'");
        assertThat(store.read(dir.resolve("a.png"))).contains("first");
        assertThat(store.listedImages()).containsExactly(dir.resolve("a.png"));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
