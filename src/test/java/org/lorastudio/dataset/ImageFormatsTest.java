package org.lorastudio.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFormatsTest {
    @TempDir
    Path dir;

    @Test
    void extensionsAreRecognisedCaseInsensitively() {
        assertThat(ImageFormat.fromFileName("a.PNG")).contains(ImageFormat.PNG);
        assertThat(ImageFormat.fromFileName("a.Jpeg")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.fromFileName("a.JPG")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.fromFileName("a.WebP")).contains(ImageFormat.WEBP);
        assertThat(ImageFormat.fromFileName("a.bmp")).contains(ImageFormat.BMP);
        assertThat(ImageFormat.fromFileName("a.gif")).isEmpty();
        assertThat(ImageFormat.fromFileName("png")).isEmpty();
        assertThat(ImageFormat.fromFileName(".png")).isEmpty();
        assertThat(ImageFormat.fromFileName("a.")).isEmpty();
    }

    @Test
    void probeReadsSizesOfEveryFormatFromTheHeader() throws IOException {
        assertThat(ImageProbe.readSize(TestImages.png(dir.resolve("a.png"), 40, 30, 1)))
                .isEqualTo(new ImageSize(40, 30));
        assertThat(ImageProbe.readSize(TestImages.jpeg(dir.resolve("b.jpg"), 33, 17, 1)))
                .isEqualTo(new ImageSize(33, 17));
        assertThat(ImageProbe.readSize(TestImages.bmp(dir.resolve("c.bmp"), 9, 7, 1))).isEqualTo(new ImageSize(9, 7));
        assertThat(ImageProbe.readSize(TestImages.webp(dir.resolve("d.webp"), 21, 13, 0xFF336699)))
                .isEqualTo(new ImageSize(21, 13));
    }

    @Test
    void handMadeWebpDecodesToItsColour() throws IOException {
        Path webp = TestImages.webp(dir.resolve("d.webp"), 5, 4, 0xFF336699);
        BufferedImage img = ImageIO.read(webp.toFile());
        assertThat(img.getWidth()).isEqualTo(5);
        assertThat(img.getRGB(4, 3)).isEqualTo(0xFF336699);
    }
}
