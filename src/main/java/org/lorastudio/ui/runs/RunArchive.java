package org.lorastudio.ui.runs;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.lorastudio.util.AtomicFiles;

/** Export (zip) and delete (move to the trash) of run folders; plain file operations, no JavaFX. */
final class RunArchive {
    /** The workspace's trash folder: deleted runs go here so a mis-click can be undone by hand. */
    static final String TRASH_DIR = ".trash";

    private RunArchive() {
    }

    /**
     * Writes {@code dir} as a zip to {@code target}, entries under the folder's name, atomically (a temp file
     * next to the target, then a move), so a cancelled or failed export never leaves half a zip.
     */
    static void zip(Path dir, Path target) throws IOException {
        String root = dir.getFileName().toString();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        AtomicFiles.write(target, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Path f : files) {
                String name = root + "/" + dir.relativize(f).toString().replace('\\', '/');
                zip.putNextEntry(new ZipEntry(name));
                Files.copy(f, zip);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /**
     * Moves {@code dir} into {@code trashDir} (created if needed) under its own name, or {@code name-2},
     * {@code name-3}, ... when the trash already has one; returns where it went.
     */
    static Path trash(Path dir, Path trashDir) throws IOException {
        Files.createDirectories(trashDir);
        String name = dir.getFileName().toString();
        Path target = trashDir.resolve(name);
        for (int n = 2; Files.exists(target); n++) {
            target = trashDir.resolve(name + "-" + n);
        }
        try {
            Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(dir, target);
        }
        return target;
    }
}
