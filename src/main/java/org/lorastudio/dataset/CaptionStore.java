package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.lorastudio.util.UserException;

/**
 * Reads and writes the captions of one dataset folder, whatever file they live in. The CLI reads through it and
 * the studio's caption editor writes through it: each {@link #write} is atomic (temporary file + move), keeps the
 * file's encoding conventions and touches nothing but the one caption.
 *
 * <p>Which source is used, in order: an explicit metadata file (the config's {@code metadata_path} or
 * {@code --metadata}); else {@code metadata.csv} or {@code metadata.jsonl} in the folder; else
 * {@code <image-stem>.txt} files. Once a metadata file is used, {@code .txt} files are ignored (the scanner
 * reports that they are).
 */
public interface CaptionStore {
    /** The dataset folder, absolute and normalised. */
    Path root();

    CaptionSource source();

    /** The metadata file in use; empty for {@code .txt} captions. */
    Optional<Path> metadataFile();

    /**
     * The caption of {@code image} (a file inside {@link #root()}); empty when it has none.
     *
     * @throws UserException when the caption file is not valid UTF-8 or too large; the message names the file
     */
    Optional<String> read(Path image) throws IOException;

    /**
     * Replaces the caption of {@code image}. Writes nothing when the text is unchanged.
     *
     * @throws UserException when the caption file cannot be decoded or the metadata file has errors: rewriting
     *                       such a file could lose data the user still needs
     */
    void write(Path image, String text) throws IOException;

    /** Problems found when the store was opened: malformed metadata lines, rows that escape or name no file. */
    List<DatasetProblem> problems();

    /**
     * Images named by the metadata file that exist inside the folder (they may sit in subfolders the folder
     * scan does not visit); empty for {@code .txt} captions.
     */
    List<Path> listedImages();

    /**
     * Opens the caption store of a dataset folder.
     *
     * @param root     the dataset folder
     * @param metadata an explicit metadata file ({@code .csv} or {@code .jsonl}), which wins over any in the
     *                 folder; its {@code file_name} values are relative to {@code root}
     * @throws UserException when the folder or the explicit file is missing, or the choice is ambiguous
     */
    static CaptionStore open(Path root, Optional<Path> metadata) throws IOException {
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new UserException("dataset folder not found: " + root + "; check train_data_dir");
        }
        if (metadata.isPresent()) {
            Path file = metadata.get().toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new UserException("metadata file not found: " + metadata.get() + "; check metadata_path");
            }
            MetadataFormat format = MetadataFormat.fromFileName(file.getFileName().toString())
                    .orElseThrow(() -> new UserException("metadata file " + file.getFileName()
                            + " must end in .csv or .jsonl (Hugging Face imagefolder metadata)"));
            return MetadataCaptionStore.open(dir, file, format);
        }
        Path csv = dir.resolve(MetadataFormat.CSV.defaultFileName());
        Path jsonl = dir.resolve(MetadataFormat.JSONL.defaultFileName());
        boolean hasCsv = Files.exists(csv, LinkOption.NOFOLLOW_LINKS);
        boolean hasJsonl = Files.exists(jsonl, LinkOption.NOFOLLOW_LINKS);
        if (hasCsv && hasJsonl) {
            throw new UserException("dataset folder " + root + " holds both metadata.csv and metadata.jsonl; "
                    + "delete one, or choose one with --metadata / metadata_path");
        }
        if (hasCsv || hasJsonl) {
            Path file = hasCsv ? csv : jsonl;
            if (!DatasetPaths.staysInside(file, dir.toRealPath())) {
                throw new UserException(file.getFileName() + " in " + root + " is a link to a file outside the "
                        + "dataset folder; copy the file into the folder or name it with --metadata");
            }
            return MetadataCaptionStore.open(dir, file, hasCsv ? MetadataFormat.CSV : MetadataFormat.JSONL);
        }
        return new TxtCaptionStore(dir);
    }
}
