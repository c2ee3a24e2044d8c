package org.lorastudio.ui.datasets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.ImageFormat;

/**
 * The quick directory listings of the Datasets screen, which read no file: the dataset folders of a workspace, and
 * the images of a folder by name, shown as placeholders until the full scan ends. Run on the io executor.
 */
final class FolderListing {
    /** Kohya's {@code 10_cat} subfolders, which the scan reads (the scanner's rule, for the quick listing). */
    private static final Pattern REPEAT_FOLDER = Pattern.compile("\\d{1,6}_.+");

    private FolderListing() {
    }

    /** The folders directly in {@code dir} whose names do not start with '.', sorted; none when it is missing. */
    static List<Path> listFolders(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The images of a folder by name only, in the scan's order: files with an image extension directly in it and
     * in {@code N_name} subfolders, names starting with '.' skipped. Reads no file; a metadata file listing images
     * elsewhere is left to the scan, which has the last word.
     */
    static List<DatasetItem> preview(Path dir) throws IOException {
        TreeMap<String, DatasetItem> out = new TreeMap<>();
        try (DirectoryStream<Path> top = Files.newDirectoryStream(dir)) {
            for (Path p : top) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                if (REPEAT_FOLDER.matcher(name).matches() && Files.isDirectory(p)) {
                    try (DirectoryStream<Path> sub = Files.newDirectoryStream(p)) {
                        for (Path q : sub) {
                            listed(out, q, name + "/" + q.getFileName());
                        }
                    }
                } else {
                    listed(out, p, name);
                }
            }
        }
        return List.copyOf(out.values());
    }

    private static void listed(Map<String, DatasetItem> out, Path file, String name) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".")) {
            return;
        }
        ImageFormat.fromFileName(fileName).ifPresent(format -> out.put(name,
                new DatasetItem(file, name, format, 1, Optional.empty(), Optional.empty())));
    }
}
