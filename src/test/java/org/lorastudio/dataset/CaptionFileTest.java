package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class CaptionFileTest {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @TempDir
    Path dir;

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void bomAndCrlfRoundTripByteExactExceptForTheChangedText() throws IOException {
        Path caption = dir.resolve("a.txt");
        Files.write(caption, concat(BOM, "neon lights, rain\r\nsecond line\r\n".getBytes(StandardCharsets.UTF_8)));
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        CaptionStore store = CaptionStore.open(dir, Optional.empty());

        assertThat(store.read(dir.resolve("a.png"))).contains("neon lights, rain\nsecond line");
        store.write(dir.resolve("a.png"), "neon lights, rain, café\nsecond line");

        assertThat(Files.readAllBytes(caption)).isEqualTo(
                concat(BOM, "neon lights, rain, café\r\nsecond line\r\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void unchangedTextRoundTripsEveryConventionByteExact() {
        String[] files = {"a, b", "a, b\n", "a\r\nb", "a\r\nb\r\n", "\uFEFFbom only"};
        for (String f : files) {
            byte[] bytes = f.startsWith("\uFEFF") ? concat(BOM, f.substring(1).getBytes(StandardCharsets.UTF_8))
                    : f.getBytes(StandardCharsets.UTF_8);
            CaptionFile c = CaptionFile.decode(bytes, "x.txt");
            assertThat(c.withText(c.text()).encode()).as(f).isEqualTo(bytes);
        }
    }

    @Test
    void lfFileWithoutFinalNewlineStaysThatWay() throws IOException {
        Path caption = dir.resolve("a.txt");
        Files.writeString(caption, "one\ntwo");
        CaptionFile.read(caption).withText("one\nthree").write(caption);
        assertThat(Files.readString(caption)).isEqualTo("one\nthree");
    }

    @Test
    void newCaptionFilesArePlainUtf8WithLf() {
        assertThat(new String(CaptionFile.create("a\nb").encode(), StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
    }

    @Test
    void invalidUtf8IsAnErrorNamingTheFile() throws IOException {
        Path caption = dir.resolve("latin1.txt");
        Files.write(caption, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> CaptionFile.read(caption))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("latin1.txt")
                .hasMessageContaining("not valid UTF-8")
                .hasMessageContaining("0xE9")
                .hasMessageContaining("line 1");
    }

    @Test
    void storeRefusesToOverwriteACaptionItCannotDecode() throws IOException {
        TestImages.png(dir.resolve("a.png"), 8, 8, 1);
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("a.txt"), latin1);
        CaptionStore store = CaptionStore.open(dir, Optional.empty());
        assertThatThrownBy(() -> store.write(dir.resolve("a.png"), "x")).hasMessageContaining("a.txt");
        assertThat(Files.readAllBytes(dir.resolve("a.txt"))).isEqualTo(latin1);
    }

    @Test
    void oversizedCaptionFileIsRefused() throws IOException {
        Path caption = dir.resolve("big.txt");
        Files.write(caption, new byte[(int) CaptionFile.MAX_BYTES + 1]);
        assertThatThrownBy(() -> CaptionFile.read(caption)).isInstanceOf(UserException.class)
                .hasMessageContaining("big.txt");
    }
}
