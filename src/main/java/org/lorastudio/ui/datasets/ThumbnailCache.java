package org.lorastudio.ui.datasets;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.Hashing;

/**
 * Small PNG thumbnails of dataset images, cached on disk under {@code <workspace>/.cache/thumbs/} by a hash of the
 * image's path, modification time, size and the thumbnail size, so an edited image gets a new thumbnail and a
 * second visit to a 10,000-image folder decodes nothing. Large images are decoded with source subsampling (every
 * n-th pixel) before the final smooth scale, so a 4000 px JPEG costs a fraction of a full decode. Thread-safe: two
 * threads writing the same thumbnail both write identical bytes atomically. No JavaFX here.
 */
final class ThumbnailCache {
    /**
     * Longest side of a thumbnail in pixels: the grid's cell size, so drawing a cell needs no scaling (with the
     * software pipeline, scaling 30 images per frame while scrolling cost more than the layout).
     */
    static final int DEFAULT_SIDE = 128;

    private final Path dir;
    private final int side;

    ThumbnailCache(Path dir, int side) {
        this.dir = dir;
        this.side = side;
    }

    /** The cache of a workspace: {@code <workspace>/.cache/thumbs}. */
    static ThumbnailCache forWorkspace(Path workspace) {
        return new ThumbnailCache(workspace.resolve(".cache").resolve("thumbs"), DEFAULT_SIDE);
    }

    Path dir() {
        return dir;
    }

    /**
     * The cached thumbnail of {@code image}, created when missing.
     *
     * @throws IOException when the image cannot be read or decoded (the message names the file)
     */
    Path thumbnail(Path image) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(image, BasicFileAttributes.class);
        String key = Hashing.sha256(image.toAbsolutePath().normalize() + "|" + attrs.lastModifiedTime().toMillis()
                + "|" + attrs.size() + "|" + side);
        Path thumb = dir.resolve(key.substring(0, 2)).resolve(key + ".png");
        if (Files.isRegularFile(thumb)) {
            return thumb;
        }
        BufferedImage scaled = scale(decode(image), side);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(scaled, "png", out);
        Files.createDirectories(thumb.getParent());
        AtomicFiles.writeBytes(thumb, out.toByteArray());
        return thumb;
    }

    /** Decodes with subsampling so that the decoded image is at most about twice the thumbnail side. */
    private BufferedImage decode(Path image) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + image.getFileName());
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(image.getFileName() + " is not an image format Java can read");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                int factor = Math.max(1, Math.max(w, h) / (2 * side));
                ImageReadParam param = reader.getDefaultReadParam();
                param.setSourceSubsampling(factor, factor, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Scales so the longest side is at most {@code side}, keeping the aspect ratio; small images stay as they are. */
    static BufferedImage scale(BufferedImage src, int side) {
        int w = src.getWidth();
        int h = src.getHeight();
        double f = Math.min(1.0, (double) side / Math.max(w, h));
        int tw = Math.max(1, (int) Math.round(w * f));
        int th = Math.max(1, (int) Math.round(h * f));
        BufferedImage dst = new BufferedImage(tw, th, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = dst.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        return dst;
    }
}
