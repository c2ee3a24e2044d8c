package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetFingerprint;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.run.RunFolder;

class DataSectionTest {
    @TempDir
    Path workspace;

    @Test
    void theDataSectionDescribesTheScannedDataSet() throws IOException {
        Path data = workspace.resolve("datasets/neon");
        image(data.resolve("a.png"), 64, 64, "neon, rain, night street, wet pavement");
        image(data.resolve("b.png"), 64, 64, "neon, rain, holographic billboard, crowd | people");
        image(data.resolve("c.png"), 96, 64, "neon, city, night street, crowd | people");
        Dataset ds = DatasetScanner.scan(data);
        DatasetFingerprint fp = DatasetFingerprint.of(ds);
        RunFolder run = RunFolder.create(workspace.resolve("runs"), "neon", "sd15",
                TestRuns.config("neon", 8, "2e-4"), TestRuns.T);

        RunNotes.onRunStarted(run, ds, fp);
        String block = MarkedSection.DATA.contentIn(run.notesText()).orElseThrow();
        assertThat(block).contains("- **Data set:** `" + workspace.getFileName() + "/datasets/neon` (captions from "
                        + ".txt files)")
                .contains("- **Images:** 3, 3 with a caption")
                .contains("- **Resolution:** 64x64 to 96x64; most common 64x64 (2), 96x64 (1)")
                .contains("- **Captions:** comma-separated tags, e.g. \"neon, city, night street, crowd \\| people\"")
                .contains("- **Top tags:** neon (3), crowd \\| people (2), night street (2), rain (2)\n")
                .doesNotContain("billboard (")
                .contains("- **Fingerprint:** `sha256:" + fp.sha256() + "` (3 items)");
        assertThat(run.notesText()).contains("<!-- config-changes:begin").contains("No parent run");
        // starting again (a resumed run) replaces, never duplicates
        RunNotes.onRunStarted(run, ds, fp);
        assertThat(run.notesText()).containsOnlyOnce("<!-- data:begin").containsOnlyOnce("<!-- config-changes:begin");
    }

    @Test
    void captionStyleIsReadFromTheCaptionsShape() {
        assertThat(DataSection.captionStyle(List.of("a, b, c", "d, e f, g"))).isEqualTo("comma-separated tags");
        assertThat(DataSection.captionStyle(List.of("A photo of a neon street at night in the rain.")))
                .isEqualTo("sentences");
        assertThat(DataSection.captionStyle(List.of("neon street"))).isEqualTo("short phrases");
        assertThat(DataSection.captionStyle(List.of())).isEqualTo("none");
    }

    private static void image(Path file, int w, int h, String caption) throws IOException {
        Files.createDirectories(file.getParent());
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        Files.writeString(file.resolveSibling(file.getFileName().toString().replace(".png", ".txt")), caption);
    }
}
