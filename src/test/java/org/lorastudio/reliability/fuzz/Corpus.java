package org.lorastudio.reliability.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The committed corpus of a target: every file under {@code src/test/resources/reliability/fuzz/<target>/},
 * seeds and the inputs of past findings ({@code regressions/}) alike, in path order.
 */
final class Corpus {
    private Corpus() {
    }

    static Path folder(String target) {
        URL url = Corpus.class.getResource("/reliability/fuzz/" + target);
        if (url == null) {
            throw new IllegalStateException("no corpus folder reliability/fuzz/" + target + " on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> files(String target) {
        try (Stream<Path> walk = Files.walk(folder(target))) {
            return walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<byte[]> inputs(String target) {
        return files(target).stream().map(p -> {
            try {
                return Files.readAllBytes(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    /**
     * A scratch folder for one target: in {@code /dev/shm} where there is one (the loops write a file per input, and
     * a RAM file system keeps that from wearing a disk or waiting on it), else in the usual temp folder.
     */
    static Path scratch(String target) throws IOException {
        Path shm = Path.of("/dev/shm");
        Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(base, "lorastudio-fuzz-" + target + "-");
    }

    /** Deletes a scratch folder and everything in it, links not followed. */
    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
