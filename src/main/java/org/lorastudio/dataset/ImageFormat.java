package org.lorastudio.dataset;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image file types a dataset may hold, recognised by extension (case-insensitive). Other files in the folder
 * are ignored, so a folder can also hold notes, metadata and caption files.
 */
public enum ImageFormat {
    PNG(List.of("png")),
    JPEG(List.of("jpg", "jpeg")),
    /** Read through the TwelveMonkeys ImageIO plugin on the class path. */
    WEBP(List.of("webp")),
    BMP(List.of("bmp"));

    private final List<String> extensions;

    ImageFormat(List<String> extensions) {
        this.extensions = extensions;
    }

    /** Lower-case extensions without the dot. */
    public List<String> extensions() {
        return extensions;
    }

    /** The format for a file name such as {@code cat.JPG}, or empty when it is not an image the dataset uses. */
    public static Optional<ImageFormat> fromFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot <= 0 || dot == fileName.length() - 1) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ImageFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
