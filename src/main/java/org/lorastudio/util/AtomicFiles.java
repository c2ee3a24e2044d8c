package org.lorastudio.util;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Atomic file replacement: write to a temporary file in the same folder, force it to disk, move it over the
 * target, then force the folder so the move itself survives a power cut. A reader sees either the old or the new
 * content, never a partial file; on failure the old file is intact and the temporary file is removed.
 *
 * <p>Temporary files are named {@code .<target>.<pid>-<random>.tmp}: hidden, so a dataset scan (which skips dot
 * files) never takes one for a caption or an image, and carrying the writer's process id, so the first write into
 * a folder after a crash can delete the ones whose writer is gone (a live writer's file is never touched).
 *
 * <p>A write that fails because the disk is full, the file system is read-only or permission is denied throws a
 * {@link UserException} that names the file, says the previous version is kept and what to do; the screens and
 * the command line show that sentence as it is.
 */
public final class AtomicFiles {
    /** {@code .<name>.<pid>-<random>.tmp}; the name part may itself contain dots and dashes. */
    private static final Pattern TEMP_NAME = Pattern.compile("^\\..*\\.(\\d{1,18})-\\d+\\.tmp$");
    /** Keeps the temporary name under the usual 255-byte limit whatever the target's name length. */
    private static final int MAX_NAME_IN_TEMP = 80;
    private static final long PID = ProcessHandle.current().pid();
    /** Folders already cleaned of stale temporary files by this process (once each is enough). */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    /**
     * Writes content produced by {@code writer} to {@code target} atomically.
     *
     * @throws UserException when the disk is full, the file system is read-only or permission is denied; the
     *                       message names {@code target} and the previous version is intact
     * @throws IOException   for any other failure, also with the previous version intact
     */
    public static void write(Path target, IoConsumer<OutputStream> writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            sweepOnce(dir);
            Path tmp = Files.createTempFile(dir, tempPrefix(target), ".tmp");
            boolean moved = false;
            try {
                keepPermissions(target, tmp);
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
                     OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
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
                forceDirectory(dir);
            } catch (IOException | RuntimeException | Error e) {
                if (!moved) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
        } catch (IOException e) {
            Optional<UserException> plain = plainFailure(target, e);
            if (plain.isPresent()) {
                throw plain.get();
            }
            throw e;
        }
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
    private static final class MidFileFault extends FilterOutputStream {
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

    /** Whether {@code file} is a temporary file of this class (left behind only by a process that died). */
    public static boolean isTemporary(Path file) {
        return TEMP_NAME.matcher(file.getFileName().toString()).matches();
    }

    /**
     * Deletes the temporary files in {@code dir} whose writing process is no longer running: what a crash or a
     * {@code kill -9} in the middle of a write leaves. Files of running processes, and anything not named like
     * this class's temporary files, are left alone. Best effort: returns how many were deleted.
     */
    public static int removeStaleTemporaries(Path dir) {
        int removed = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : stream) {
                Matcher m = TEMP_NAME.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (pid != PID && ProcessHandle.of(pid).isEmpty() && Files.isRegularFile(p)
                        && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a temporary file that stays is hidden and harmless; cleaning must never fail a save
        }
        return removed;
    }

    private static void sweepOnce(Path dir) {
        if (SWEPT.size() > 10_000) {
            SWEPT.clear();
        }
        if (SWEPT.add(dir)) {
            removeStaleTemporaries(dir);
        }
    }

    private static String tempPrefix(Path target) {
        String name = target.getFileName().toString();
        if (name.length() > MAX_NAME_IN_TEMP) {
            name = name.substring(0, MAX_NAME_IN_TEMP);
        }
        return "." + name + "." + PID + "-";
    }

    /**
     * Forces the folder's entry for the moved file to disk (on Linux a folder opens as a read channel). Windows
     * cannot open a folder that way; there the move is atomic but its durability is left to the file system.
     */
    private static void forceDirectory(Path dir) throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Turns the failures a user can fix (full disk, read-only file system, no permission) into one sentence that
     * names the file; empty for anything else.
     */
    private static Optional<UserException> plainFailure(Path target, IOException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String kept = Files.exists(target) ? "the previous version is kept" : "nothing was written";
        if (text.contains("no space left") || text.contains("not enough space") || text.contains("quota")) {
            return Optional.of(new UserException("disk full while saving " + target + "; " + kept
                    + " — free some space and save again", e));
        }
        if (text.contains("read-only file system")) {
            return Optional.of(new UserException("cannot save " + target + ": the disk is read-only; " + kept
                    + " — make it writable or save to another folder", e));
        }
        if (e instanceof AccessDeniedException || text.contains("permission denied")) {
            return Optional.of(new UserException("permission denied while saving " + target + "; " + kept
                    + " — check the folder's permissions or save to another folder", e));
        }
        return Optional.empty();
    }

    /**
     * A temp file is created owner-only (0600); the replacement keeps the target's permissions, or gets the usual
     * rw-r--r-- for a new file, so an atomic save never makes a user's caption or config private by surprise.
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }

    /** A consumer that may throw {@link IOException}. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T value) throws IOException;
    }
}
