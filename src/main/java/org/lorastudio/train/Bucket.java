package org.lorastudio.train;

/** A training image size (pixels) shared by every image of a batch. */
public record Bucket(int width, int height) {
    public Bucket {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("bucket sides must be > 0, found " + width + "x" + height);
        }
    }

    /** Width / height. */
    public double aspect() {
        return (double) width / height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
