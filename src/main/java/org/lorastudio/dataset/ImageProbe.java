package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads an image's size from its header without decoding pixels, so that scanning 10,000 images reads a few
 * kilobytes each. The decoder is chosen by content, not extension, so a JPEG saved as {@code .png} still works.
 */
public final class ImageProbe {
    private ImageProbe() {
    }

    /**
     * The width and height stored in the image header.
     *
     * @throws IOException when no decoder recognises the file or its header is damaged
     */
    public static ImageSize readSize(Path file) throws IOException {
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            ImageReader reader = readerFor(in, ImageFormat.fromFileName(file.getFileName().toString()));
            try {
                reader.setInput(in, true, true);
                return new ImageSize(reader.getWidth(0), reader.getHeight(0));
            } catch (RuntimeException e) {
                throw decoderFailure(e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The ImageIO reader for the stream's content. The reader the extension suggests is asked first: asking every
     * registered plugin to sniff the content (TwelveMonkeys registers many) costs several times the header read.
     */
    static ImageReader readerFor(ImageInputStream in, Optional<ImageFormat> expected) throws IOException {
        Iterator<ImageReader> readers;
        try {
            if (expected.isPresent()) {
                Iterator<ImageReader> bySuffix = ImageIO.getImageReadersBySuffix(expected.get().extensions().get(0));
                while (bySuffix.hasNext()) {
                    ImageReader candidate = bySuffix.next();
                    if (candidate.getOriginatingProvider().canDecodeInput(in)) {
                        return candidate;
                    }
                }
            }
            readers = ImageIO.getImageReaders(in);
        } catch (RuntimeException e) {
            throw decoderFailure(e);
        }
        if (!readers.hasNext()) {
            throw new IIOException("not a PNG, JPEG, WebP or BMP image (no decoder recognises its content)");
        }
        return readers.next();
    }

    /**
     * ImageIO plugins signal damaged input with unchecked exceptions as often as with {@link IOException}
     * (index out of bounds, illegal argument, negative array size); at this boundary they all mean "the file is
     * broken", so they become an {@link IIOException} that the dataset check reports against the file.
     */
    static IIOException decoderFailure(RuntimeException e) {
        String msg = e.getMessage();
        return new IIOException("the decoder failed: " + e.getClass().getSimpleName() + (msg == null ? "" : " " + msg),
                e);
    }
}
