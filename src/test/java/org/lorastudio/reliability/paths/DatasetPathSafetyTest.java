package org.lorastudio.reliability.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.dataset.ProblemKind;
import org.lorastudio.util.UserException;

/**
 * Issue 9, item 5, for datasets: nothing a dataset folder or its metadata names may bring a file from outside the
 * folder into training or into the caption editor. Each hostile name or link is set up for real next to a secret
 * image and a secret text file outside the folder; the test checks that the scan reports it, that no item or
 * listed image resolves outside, and that the secret text never shows up as a caption.
 */
class DatasetPathSafetyTest {
    private static final String SECRET = "SECRET-CONTENT-OUTSIDE";

    @TempDir
    Path tmp;
    Path root;
    Path outside;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("dataset"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        png(outside.resolve("secret.png"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        png(root.resolve("a.png"));
        Files.writeString(root.resolve("a.txt"), "a caption");
        Files.createDirectories(root.resolve("sub"));
        png(root.resolve("sub/b.png"));
    }

    /** Every way a metadata row can name a file outside the folder, each refused as text or after links. */
    static final List<String> HOSTILE_ROWS = List.of("../outside/secret.png", "sub/../../outside/secret.png",
            "./../outside/secret.png", "sub//..//..//outside/secret.png", tmpPlaceholder(), "/etc/passwd",
            "C:/Windows/win.ini", "c:secret.png", "..\\outside\\secret.png", "\\\\server\\share\\secret.png",
            "a.png\u0000.txt", "..", ".", "sub/", "", "link-out.png", "dir-out/secret.png", "sub/../dir-out/secret.png");

    private static String tmpPlaceholder() {
        return "<absolute secret>";
    }

    @Test
    void metadataRowsThatLeaveTheFolderAreRefusedAndNeverListed() throws IOException {
        Files.createSymbolicLink(root.resolve("link-out.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(root.resolve("dir-out"), outside);
        StringBuilder csv = new StringBuilder("file_name,text\n");
        for (String row : HOSTILE_ROWS) {
            String name = row.equals(tmpPlaceholder()) ? outside.resolve("secret.png").toString() : row;
            csv.append('"').append(name.replace("\"", "\"\"")).append("\",hostile\n");
        }
        csv.append("a.png,fine\nsub/b.png,fine too\n");
        Files.writeString(root.resolve("metadata.csv"), csv);

        CaptionStore store = CaptionStore.open(root, Optional.empty());
        assertListedInside(store);
        assertThat(store.listedImages()).containsExactly(root.resolve("a.png"), root.resolve("sub/b.png"));
        List<DatasetProblem> refused = store.problems().stream()
                .filter(p -> p.kind() == ProblemKind.PATH_ESCAPE || p.kind() == ProblemKind.MISSING_FILE).toList();
        // every hostile row is reported on its own line (rows 2 .. n+1), none silently dropped
        for (int line = 2; line < HOSTILE_ROWS.size() + 2; line++) {
            String where = "metadata.csv:" + line;
            assertThat(store.problems()).as("problem for row %s (%s)", line, HOSTILE_ROWS.get(line - 2))
                    .anyMatch(p -> p.file().equals(where));
        }
        assertThat(refused).as("rows naming files outside").hasSizeGreaterThanOrEqualTo(12);
        assertThat(store.problems()).filteredOn(p -> p.message().contains("link-out.png")
                || p.message().contains("dir-out")).allMatch(p -> p.kind() == ProblemKind.PATH_ESCAPE);

        Dataset scan = DatasetScanner.scan(store);
        assertItemsInside(scan);
        assertThat(scan.items()).extracting(DatasetItem::name).containsExactlyInAnyOrder("a.png", "sub/b.png");
    }

    @Test
    void linksInTheImageFolderAreNotFollowedOutside() throws IOException {
        Files.createSymbolicLink(root.resolve("evil.png"), outside.resolve("secret.png"));
        // kohya repeat folders ("10_name") are scanned: one that is a link outside, one that loops back
        Files.createSymbolicLink(root.resolve("10_out"), outside);
        Files.createSymbolicLink(root.resolve("5_loop"), root);
        Files.createSymbolicLink(root.resolve("dangling.png"), root.resolve("nothing.png"));
        png(root.resolve("c.png"));
        Files.createSymbolicLink(root.resolve("c.txt"), outside.resolve("secret.txt"));
        // a link that stays inside is fine
        Files.createSymbolicLink(root.resolve("same.png"), root.resolve("a.png"));

        Dataset scan = DatasetScanner.scan(root);
        assertItemsInside(scan);
        assertThat(scan.items()).extracting(DatasetItem::name).doesNotContain("evil.png", "10_out/secret.png",
                "dangling.png");
        assertThat(scan.items()).extracting(DatasetItem::name).contains("a.png", "c.png", "same.png");
        for (DatasetItem item : scan.items()) {
            assertThat(item.caption().orElse("")).as("caption of %s", item.name()).doesNotContain(SECRET);
        }
        assertThat(scan.problems()).filteredOn(p -> p.kind() == ProblemKind.PATH_ESCAPE)
                .extracting(DatasetProblem::file).contains("evil.png", "10_out/", "c.txt");

        // the caption editor neither reads nor writes through the link
        CaptionStore store = CaptionStore.open(root, Optional.empty());
        assertThatThrownBy(() -> store.read(root.resolve("c.png"))).isInstanceOf(UserException.class)
                .hasMessageContaining("c.txt is a link to a file outside the dataset folder");
        assertThatThrownBy(() -> store.write(root.resolve("c.png"), "overwrite")).isInstanceOf(UserException.class);
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(SECRET);
        assertThatThrownBy(() -> store.write(outside.resolve("secret.png"), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.write(root.resolve("../outside/secret.png"), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.exists(outside.resolve("secret.txt.tmp"))).isFalse();
        assertThat(Files.list(outside).map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrder("secret.png", "secret.txt");
    }

    @Test
    void aMetadataFileThatIsALinkOutsideIsRefused() throws IOException {
        Files.writeString(outside.resolve("metadata.csv"), "file_name,text\na.png," + SECRET + "\n");
        Files.createSymbolicLink(root.resolve("metadata.csv"), outside.resolve("metadata.csv"));
        assertThatThrownBy(() -> CaptionStore.open(root, Optional.empty())).isInstanceOf(UserException.class)
                .hasMessageContaining("metadata.csv in").hasMessageContaining("is a link to a file outside");
    }

    @Test
    void anExplicitMetadataFileElsewhereStillOnlyNamesFilesInTheFolder() throws IOException {
        Path meta = outside.resolve("captions.jsonl");
        Files.writeString(meta, "{\"file_name\": \"../outside/secret.png\", \"text\": \"x\"}\n"
                + "{\"file_name\": \"a.png\", \"text\": \"ok\"}\n", StandardCharsets.UTF_8);
        CaptionStore store = CaptionStore.open(root, Optional.of(meta));
        assertListedInside(store);
        assertThat(store.listedImages()).containsExactly(root.resolve("a.png"));
        assertThat(store.problems()).anyMatch(p -> p.kind() == ProblemKind.PATH_ESCAPE
                && p.file().equals("captions.jsonl:1"));
    }

    private void assertListedInside(CaptionStore store) throws IOException {
        Path real = root.toRealPath();
        for (Path image : store.listedImages()) {
            assertThat(image.toRealPath()).as("listed image %s", image).startsWith(real);
        }
    }

    private void assertItemsInside(Dataset scan) throws IOException {
        Path real = root.toRealPath();
        for (DatasetItem item : scan.items()) {
            assertThat(item.image().toRealPath()).as("item %s", item.name()).startsWith(real);
            assertThat(item.image().toRealPath()).isNotEqualTo(outside.resolve("secret.png").toRealPath());
        }
    }

    private static void png(Path file) throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(img, "png", file.toFile());
    }
}
