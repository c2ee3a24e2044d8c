package org.lorastudio.dataset;

/** Width and height of an image in pixels, as stored in its header. */
public record ImageSize(int width, int height) {
    public ImageSize {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, found " + width + "x" + height);
        }
    }

    /** Pixel count as a long, so that hostile headers (65535x65535) cannot overflow. */
    public long pixels() {
        return (long) width * height;
    }

    /** {@code 768x512}: the form used in reports and the resolution histogram. */
    @Override
    public String toString() {
        return width + "x" + height;
    }
}
