package org.lorastudio.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Atomic file replacement: write to a temporary file in the same folder, force it to disk, then move it over the
 * target. A reader sees either the old or the new content, never a partial file; on failure the old file is intact.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes content produced by {@code writer} to {@code target} atomically. */
    public static void write(Path target, IoConsumer<OutputStream> writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            keepPermissions(target, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                         1 << 16)) {
                writer.accept(FaultPoints.enabled() ? new MidFileFault(out, kind(target)) : out);
                out.flush();
                ch.force(true);
            }
            FaultPoints.reached("atomic.before-move." + kind(target));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * A temp file is created owner-only (0600); the replacement keeps the target's permissions, or gets the usual
     * rw-r--r-- for a new file, so an atomic save never makes a user's caption or config private by surprise.
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** The extension of {@code target} ({@code safetensors}, {@code png}...), which names its fault points. */
    private static String kind(Path target) {
        String name = target.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1);
    }

    /**
     * Test-only (armed by {@link FaultPoints}): pushes the first bytes to the temporary file and reaches
     * {@code atomic.mid-file.<kind>}, so a kill leaves a torn file exactly as a crash mid-write would.
     */
    private static final class MidFileFault extends java.io.FilterOutputStream {
        private static final int AFTER_BYTES = 1024;
        private final String point;
        private long written;

        MidFileFault(OutputStream out, String kind) {
            super(out);
            this.point = "atomic.mid-file." + kind;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count(len);
        }

        private void count(int n) throws IOException {
            boolean crossing = written < AFTER_BYTES && written + n >= AFTER_BYTES;
            written += n;
            if (crossing) {
                out.flush();
                FaultPoints.reached(point);
            }
        }

        @Override
        public void close() {
            // the caller closes the real stream
        }
    }

    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A consumer that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T value) throws IOException;
    }
}
