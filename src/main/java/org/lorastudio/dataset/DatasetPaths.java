package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps every path a dataset names inside the dataset folder. Names from metadata files are checked as text
 * first, before the file system is touched at all, so that {@code ../outside.png} is never opened, stat'ed or
 * listed; only names that pass are resolved, and then symlinks are resolved to make sure they stay inside too.
 */
final class DatasetPaths {
    private static final Pattern WINDOWS_DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private DatasetPaths() {
    }

    /** Outcome of checking a name: a normalised relative name, or why it was refused. */
    record Checked(Optional<String> name, Optional<String> refusal) {
        static Checked ok(String name) {
            return new Checked(Optional.of(name), Optional.empty());
        }

        static Checked refused(String why) {
            return new Checked(Optional.empty(), Optional.of(why));
        }
    }

    /**
     * Checks a relative file name as written in a metadata file, without touching the file system. Accepted
     * names are POSIX-style relative paths without {@code ..}; a leading {@code ./} and doubled slashes are
     * dropped so that {@code ./a.png} and {@code a.png} name the same image.
     */
    static Checked checkName(String raw) {
        if (raw.isEmpty()) {
            return Checked.refused("file_name is empty");
        }
        if (raw.indexOf('\0') >= 0) {
            return Checked.refused("file_name contains a NUL character");
        }
        if (raw.indexOf('\\') >= 0) {
            return Checked.refused("file_name contains a backslash, which Windows reads as a folder separator; "
                    + "write the path with '/' relative to the dataset folder");
        }
        if (raw.startsWith("/")) {
            return Checked.refused("file_name is an absolute path; write it relative to the dataset folder");
        }
        if (WINDOWS_DRIVE.matcher(raw).matches()) {
            return Checked.refused("file_name starts with a drive letter; write it relative to the dataset folder");
        }
        StringBuilder normal = new StringBuilder();
        for (String segment : raw.split("/", -1)) {
            if (segment.equals("..")) {
                return Checked.refused("file_name leaves the dataset folder ('..'); "
                        + "only files inside the folder can be used");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (normal.length() > 0) {
                normal.append('/');
            }
            normal.append(segment);
        }
        if (normal.length() == 0 || raw.endsWith("/")) {
            return Checked.refused("file_name names a folder, not a file");
        }
        try {
            Path.of(normal.toString());
        } catch (InvalidPathException e) { // e.g. a lone UTF-16 surrogate ("\ud800" in JSON)
            return Checked.refused("file_name holds characters that cannot be part of a file name on this system");
        }
        return Checked.ok(normal.toString());
    }

    /** Where a checked name resolves, and whether it exists inside the folder. */
    enum Location {
        INSIDE,
        MISSING,
        ESCAPES
    }

    /**
     * Resolves a checked relative name against the folder and follows symlinks (without reading the file) to
     * make sure the real file is inside {@code realRoot}.
     */
    static Location locate(Path root, Path realRoot, String checkedName) throws IOException {
        Path p = root.resolve(checkedName).normalize();
        if (!p.startsWith(root)) {
            return Location.ESCAPES;
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Location.MISSING;
        }
        return staysInside(p, realRoot) ? Location.INSIDE : isDanglingLink(p) ? Location.MISSING : Location.ESCAPES;
    }

    /** Whether {@code p}, with every symlink on the way resolved, is inside {@code realRoot}. */
    static boolean staysInside(Path p, Path realRoot) throws IOException {
        try {
            return p.toRealPath().startsWith(realRoot);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static boolean isDanglingLink(Path p) {
        return Files.isSymbolicLink(p) && !Files.exists(p);
    }

    /** The name of {@code file} relative to {@code root} with '/' separators, as reports print it. */
    static String relativeName(Path root, Path file) {
        Path rel = root.relativize(file.toAbsolutePath().normalize());
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
