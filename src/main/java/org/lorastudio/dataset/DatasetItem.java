package org.lorastudio.dataset;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One image of a dataset as the trainer and the studio see it.
 *
 * @param image   the image file (absolute)
 * @param name    its path relative to the dataset folder with '/' separators ({@code 10_cat/a.png}); items
 *                sort by it and reports name files by it
 * @param format  the format by extension
 * @param repeats how often the image counts per epoch: N for a kohya {@code N_name} subfolder, else 1
 * @param size    the size from the image header; empty when the header could not be read (reported as an error)
 * @param caption the caption text ({@code \n} line breaks); empty when the image has none
 */
public record DatasetItem(Path image, String name, ImageFormat format, int repeats, Optional<ImageSize> size,
                          Optional<String> caption) {
    public DatasetItem {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(caption, "caption");
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be at least 1, found " + repeats + " for " + name);
        }
    }

    /** The caption, or an empty string for an image without one (what the trainer feeds the text encoder). */
    public String captionOrEmpty() {
        return caption.orElse("");
    }
}
