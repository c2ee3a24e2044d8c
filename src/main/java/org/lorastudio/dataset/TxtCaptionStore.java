package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.lorastudio.util.UserException;

/** Captions in {@code <image-stem>.txt} next to each image: {@code a.png} has {@code a.txt} (kohya). */
final class TxtCaptionStore implements CaptionStore {
    private final Path root;
    private final Path realRoot;

    TxtCaptionStore(Path root) throws IOException {
        this.root = root;
        this.realRoot = root.toRealPath();
    }

    /** The caption file of an image: same folder, same stem, {@code .txt}. */
    static Path captionPath(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return image.resolveSibling(stem + ".txt");
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public CaptionSource source() {
        return CaptionSource.TXT_FILES;
    }

    @Override
    public Optional<Path> metadataFile() {
        return Optional.empty();
    }

    @Override
    public Optional<String> read(Path image) throws IOException {
        Path file = captionPath(inside(image));
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        refuseLinkOutside(file);
        return Optional.of(CaptionFile.read(file).text());
    }

    @Override
    public void write(Path image, String text) throws IOException {
        Path file = captionPath(inside(image));
        if (Files.exists(file)) {
            refuseLinkOutside(file);
        }
        CaptionFile current = Files.exists(file) ? CaptionFile.read(file) : null;
        if (current == null) {
            CaptionFile.create(text).write(file);
        } else if (!current.text().equals(text.replace("\r\n", "\n"))) {
            current.withText(text).write(file);
        }
    }

    @Override
    public List<DatasetProblem> problems() {
        return List.of();
    }

    @Override
    public List<Path> listedImages() {
        return List.of();
    }

    private void refuseLinkOutside(Path file) throws IOException {
        if (!DatasetPaths.staysInside(file, realRoot)) {
            throw new UserException("caption file " + DatasetPaths.relativeName(root, file)
                    + " is a link to a file outside the dataset folder; it was not read. Copy the caption into "
                    + "the folder instead");
        }
    }

    private Path inside(Path image) {
        Path abs = image.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) {
            throw new IllegalArgumentException(image + " is not inside the dataset folder " + root);
        }
        return abs;
    }
}
