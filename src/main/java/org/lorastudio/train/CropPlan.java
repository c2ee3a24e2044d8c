package org.lorastudio.train;

/**
 * How to turn one source image into a bucket-sized training image: take the source rectangle
 * ({@code srcX, srcY, srcWidth, srcHeight}, in source pixels, centred) and resize it to {@code width × height}.
 * This is kohya's "resize so the image covers the bucket, then centre-crop", expressed on the source so the resize
 * happens once on just the pixels that are kept.
 */
public record CropPlan(int srcX, int srcY, int srcWidth, int srcHeight, int width, int height) {
}
