package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Captions in a {@code metadata.csv} or {@code metadata.jsonl}. Opening checks every row: names that leave the
 * folder are refused as text before any file is touched, names of missing files or non-images are reported, and
 * a name listed twice keeps its first row. Writing one caption re-reads the file, replaces that one row (or
 * appends a row for an image not yet listed) and moves the new file into place, so every other row, column,
 * quote and line ending stays byte for byte as it was.
 */
final class MetadataCaptionStore implements CaptionStore {
    /** A metadata file for 100k images is a few MiB; 256 MiB means the path points at the wrong file. */
    static final long MAX_BYTES = 256L << 20;

    private final Path root;
    private final Path file;
    private final MetadataFormat format;
    private final List<DatasetProblem> problems;
    private final List<Path> listedImages;
    private Map<String, MetadataTable.Row> rowsByName;

    private MetadataCaptionStore(Path root, Path file, MetadataFormat format, MetadataTable table,
                                 List<DatasetProblem> problems, List<Path> listedImages) {
        this.root = root;
        this.file = file;
        this.format = format;
        this.problems = List.copyOf(problems);
        this.listedImages = List.copyOf(listedImages);
        this.rowsByName = index(table);
    }

    static MetadataCaptionStore open(Path root, Path file, MetadataFormat format) throws IOException {
        MetadataTable table = load(file, format);
        String label = label(root, file);
        Path realRoot = root.toRealPath();
        List<DatasetProblem> problems = new ArrayList<>(table.problems());
        List<Path> images = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (MetadataTable.Row row : table.rows()) {
            String where = label + ":" + row.line();
            String quoted = "'" + row.fileName() + "'";
            DatasetPaths.Checked checked = DatasetPaths.checkName(row.fileName());
            if (checked.refusal().isPresent()) {
                problems.add(new DatasetProblem(ProblemKind.PATH_ESCAPE, where,
                        quoted + " was not read: " + checked.refusal().get()));
                continue;
            }
            String name = checked.name().orElseThrow();
            Integer seen = firstLine.putIfAbsent(name, row.line());
            if (seen != null) {
                problems.add(new DatasetProblem(ProblemKind.DUPLICATE_ROW, where, quoted + " is already listed on line "
                        + seen + "; the caption from line " + seen + " is used. Delete one of the rows"));
                continue;
            }
            switch (DatasetPaths.locate(root, realRoot, name)) {
                case ESCAPES -> problems.add(new DatasetProblem(ProblemKind.PATH_ESCAPE, where, quoted
                        + " is a link that resolves outside the dataset folder and was not read; copy the image "
                        + "into the folder"));
                case MISSING -> problems.add(new DatasetProblem(ProblemKind.MISSING_FILE, where, quoted
                        + " does not exist in the dataset folder; restore the image or delete the row"));
                case INSIDE -> {
                    Path image = root.resolve(name);
                    if (ImageFormat.fromFileName(name).isEmpty()) {
                        problems.add(new DatasetProblem(ProblemKind.UNSUPPORTED_FILE, where, quoted
                                + " is not a supported image (png, jpg, jpeg, webp, bmp); convert it or delete the "
                                + "row"));
                    } else if (!java.nio.file.Files.isRegularFile(image)) {
                        problems.add(new DatasetProblem(ProblemKind.MISSING_FILE, where, quoted
                                + " is not a regular file; name an image file"));
                    } else {
                        images.add(image);
                    }
                }
                default -> throw new IllegalStateException("unknown location");
            }
        }
        return new MetadataCaptionStore(root, file, format, table, problems, images);
    }

    private static MetadataTable load(Path file, MetadataFormat format) throws IOException {
        String label = "metadata file " + file;
        byte[] bytes = TextFiles.readCapped(file, MAX_BYTES, label);
        TextFiles.Decoded decoded = TextFiles.decodeUtf8(bytes, label);
        return format.parse(decoded.text(), decoded.bom(), file.getFileName().toString());
    }

    /** The file's name as problems print it: relative inside the folder, else its file name. */
    private static String label(Path root, Path file) {
        return file.startsWith(root) ? DatasetPaths.relativeName(root, file) : file.getFileName().toString();
    }

    private static Map<String, MetadataTable.Row> index(MetadataTable table) {
        Map<String, MetadataTable.Row> map = new HashMap<>();
        for (MetadataTable.Row row : table.rows()) {
            DatasetPaths.checkName(row.fileName()).name().ifPresent(name -> map.putIfAbsent(name, row));
        }
        return map;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public CaptionSource source() {
        return format == MetadataFormat.CSV ? CaptionSource.METADATA_CSV : CaptionSource.METADATA_JSONL;
    }

    @Override
    public Optional<Path> metadataFile() {
        return Optional.of(file);
    }

    @Override
    public synchronized Optional<String> read(Path image) {
        MetadataTable.Row row = rowsByName.get(nameOf(image));
        return row == null ? Optional.empty() : row.text();
    }

    @Override
    public synchronized void write(Path image, String text) throws IOException {
        String name = nameOf(image);
        String newText = text.replace("\r\n", "\n");
        MetadataTable table = load(file, format);
        if (table.hasErrors()) {
            DatasetProblem first = table.problems().stream().filter(p -> p.severity() == Severity.ERROR)
                    .findFirst().orElseThrow();
            throw new UserException("cannot save the caption of " + name + ": " + first.file() + " "
                    + first.message() + "; fix the metadata file first so that no row is lost");
        }
        MetadataTable.Row row = index(table).get(name);
        String content = table.content();
        String updated;
        if (row != null) {
            if (row.text().equals(Optional.of(newText))) {
                rowsByName = index(table);
                return;
            }
            updated = content.substring(0, row.start()) + format.renderRow(table, row, newText)
                    + content.substring(row.end());
        } else {
            String newRow = format.renderNewRow(table, name, newText);
            String le = table.lineEnding().chars();
            boolean endsWithBreak = content.isEmpty() || content.endsWith("\n");
            updated = endsWithBreak ? content + newRow + le : content + le + newRow;
        }
        byte[] utf8 = updated.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = utf8;
        if (table.bom()) {
            bytes = new byte[utf8.length + 3];
            System.arraycopy(TextFiles.bom(), 0, bytes, 0, 3);
            System.arraycopy(utf8, 0, bytes, 3, utf8.length);
        }
        AtomicFiles.writeBytes(file, bytes);
        rowsByName = index(format.parse(updated, table.bom(), file.getFileName().toString()));
    }

    @Override
    public List<DatasetProblem> problems() {
        return problems;
    }

    @Override
    public List<Path> listedImages() {
        return listedImages;
    }

    private String nameOf(Path image) {
        Path abs = image.toAbsolutePath().normalize();
        if (!abs.startsWith(root)) {
            throw new IllegalArgumentException(image + " is not inside the dataset folder " + root);
        }
        return DatasetPaths.relativeName(root, abs);
    }
}
