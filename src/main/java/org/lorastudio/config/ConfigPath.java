package org.lorastudio.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A path from a config file, kept both as written and as resolved. Relative paths in a config resolve against the
 * folder of the config file (not the working directory), so a config and its data can move together; the written
 * form is kept so that saving the config next to where it was read reproduces what the user wrote.
 *
 * @param written  the path exactly as it appeared in YAML or on the command line
 * @param resolved the absolute, normalized path it denotes
 */
public record ConfigPath(String written, Path resolved) {
    public ConfigPath {
        Objects.requireNonNull(written, "written");
        Objects.requireNonNull(resolved, "resolved");
        if (!resolved.isAbsolute()) {
            throw new IllegalArgumentException("resolved path must be absolute: " + resolved);
        }
    }

    /**
     * Resolves {@code written} against {@code baseDir}. A leading {@code ~/} means the user's home folder, as in a
     * shell, because that is what people type.
     *
     * @throws InvalidPathException when the text is not a path on this system
     */
    public static ConfigPath of(String written, Path baseDir) {
        Path p;
        if (written.equals("~") || written.startsWith("~/")) {
            p = Path.of(System.getProperty("user.home")).resolve(written.length() > 2 ? written.substring(2) : "");
        } else {
            p = Path.of(written);
        }
        return new ConfigPath(written, baseDir.toAbsolutePath().resolve(p).normalize());
    }

    /** The path as it should be written into a config file stored in {@code dir}. */
    String writtenFor(Path dir) {
        Path absDir = dir.toAbsolutePath().normalize();
        if (Path.of(written).isAbsolute() || written.startsWith("~")) {
            return written;
        }
        if (absDir.resolve(written).normalize().equals(resolved)) {
            return written;
        }
        try {
            String rel = absDir.relativize(resolved).toString().replace('\\', '/');
            return rel.isEmpty() ? "." : rel;
        } catch (IllegalArgumentException differentRoots) {
            return resolved.toString();
        }
    }

    @Override
    public String toString() {
        return written;
    }
}
