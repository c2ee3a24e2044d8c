package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetFingerprintTest {
    @TempDir
    Path dir;

    @BeforeEach
    void dataset() throws IOException {
        TestImages.png(dir.resolve("a.png"), 16, 16, 1);
        TestImages.png(dir.resolve("b.png"), 16, 16, 2);
        Files.writeString(dir.resolve("a.txt"), "neon, rain\n");
        Files.writeString(dir.resolve("b.txt"), "city\n");
    }

    private DatasetFingerprint fingerprint() throws IOException {
        return DatasetFingerprint.of(DatasetScanner.scan(dir));
    }

    @Test
    void stableAcrossRunsAndCountsItems() throws IOException {
        DatasetFingerprint first = fingerprint();
        assertThat(fingerprint()).isEqualTo(first);
        assertThat(first.itemCount()).isEqualTo(2);
        assertThat(first.sha256()).hasSize(64).matches("[0-9a-f]+");
        assertThat(first.toString()).startsWith("sha256:" + first.sha256()).endsWith("(2 items)");
    }

    @Test
    void changesWhenOneCaptionChanges() throws IOException {
        DatasetFingerprint before = fingerprint();
        CaptionStore.open(dir, java.util.Optional.empty()).write(dir.resolve("b.png"), "city, night");
        assertThat(fingerprint()).isNotEqualTo(before);
    }

    @Test
    void changesWhenAnImageChangesOrIsRenamed() throws IOException {
        DatasetFingerprint before = fingerprint();
        TestImages.png(dir.resolve("b.png"), 16, 16, 3);
        DatasetFingerprint changedImage = fingerprint();
        assertThat(changedImage).isNotEqualTo(before);
        Files.move(dir.resolve("b.png"), dir.resolve("c.png"));
        Files.move(dir.resolve("b.txt"), dir.resolve("c.txt"));
        assertThat(fingerprint()).isNotEqualTo(changedImage);
    }

    @Test
    void changesWhenRepeatsChange() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        DatasetFingerprint flat = fingerprint();
        Path one = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-k/1_x"));
        Path two = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-k2/2_x"));
        for (Path target : new Path[] {one, two}) {
            Files.copy(dir.resolve("a.png"), target.resolve("a.png"));
        }
        DatasetFingerprint r1 = DatasetFingerprint.of(DatasetScanner.scan(one.getParent()));
        Files.move(two, two.resolveSibling("1_x"));
        DatasetFingerprint sameAsR1 = DatasetFingerprint.of(DatasetScanner.scan(two.getParent()));
        Files.move(two.resolveSibling("1_x"), two);
        DatasetFingerprint r2 = DatasetFingerprint.of(DatasetScanner.scan(two.getParent()));
        assertThat(sameAsR1).isEqualTo(r1);
        assertThat(r2).isNotEqualTo(r1);
        assertThat(flat.itemCount()).isEqualTo(2);
    }

    @Test
    void unchangedByCaptionFileConventionsThatDoNotChangeTheText() throws IOException {
        DatasetFingerprint before = fingerprint();
        byte[] crlfBom = ("\uFEFFneon, rain\r\n").getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("a.txt"), crlfBom);
        assertThat(fingerprint()).isEqualTo(before);
    }
}
