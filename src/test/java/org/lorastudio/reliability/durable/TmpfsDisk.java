package org.lorastudio.reliability.durable;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real small disk for fault tests: a size-limited tmpfs mounted on a folder (needs root, as on CI), which can be
 * filled to the last page or remounted read-only. Where mounting is impossible the test is skipped with the
 * reason printed. {@link #close} unmounts it.
 */
final class TmpfsDisk implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private TmpfsDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler.bin");
    }

    /** Mounts a tmpfs of {@code size} (for example {@code 256k}) on {@code dir}, or skips the test. */
    static TmpfsDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (out != null) {
            System.out.println("skipped: cannot mount a tmpfs on " + dir + " (the disk-full and read-only tests "
                    + "need root): " + out);
            Assumptions.assumeTrue(false, "cannot mount a tmpfs: " + out);
        }
        return new TmpfsDisk(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes a filler file until the disk is full. */
    void fill() throws IOException {
        byte[] page = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /** Deletes the filler: the disk has room again. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    void remountReadOnly() throws IOException, InterruptedException {
        String out = run("mount", "-o", "remount,ro", dir.toString());
        if (out != null) {
            throw new IOException("cannot remount " + dir + " read-only: " + out);
        }
    }

    void remountWritable() throws IOException, InterruptedException {
        String out = run("mount", "-o", "remount,rw", dir.toString());
        if (out != null) {
            throw new IOException("cannot remount " + dir + " writable: " + out);
        }
    }

    /** Every file and folder under the disk, hidden ones included, except the filler. */
    List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !p.equals(dir) && !p.equals(filler)).forEach(out::add);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", dir.toString()) != null) {
            run("umount", "-l", dir.toString());
        }
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " did not finish";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
