package org.lorastudio.reliability.kill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.RunStatus;
import org.lorastudio.testing.ChildJvm;

/**
 * Issue 9 item 3, the training part: the run folder lives on a real size-limited tmpfs. {@code train} is paused
 * (SIGSTOP) right after its step-4 checkpoint, the disk is filled until the final LoRA no longer fits, and the run
 * goes on: it must stop with one clear message naming the file, keep the step-4 checkpoint intact, and leave no
 * partial file. Then the same file system is remounted read-only and the run resumed: again one message naming
 * the file, and not one byte of the run folder changed. With space and write access back, the run resumes to the
 * end.
 */
class DiskFullTrainingTest {
    @TempDir
    Path root;
    Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = root.resolve("small-disk");
        Files.createDirectories(mount);
        Sh r = sh("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount.toString());
        Assumptions.assumeTrue(r.ok(), () -> "cannot mount a tmpfs here (needs root): " + r.output());
    }

    @AfterEach
    void unmount() throws Exception {
        Sh r = sh("umount", "-l", mount.toString());
        assertThat(r.ok()).as("umount %s: %s", mount, r.output()).isTrue();
    }

    @Test
    void aFullDiskStopsTrainingCleanlyAndAReadOnlyOneChangesNothing() throws Exception {
        TrainingSessions sessions = TrainingSessions.create(root);
        Path ws = mount.resolve("workspace");
        ChildJvm.Running child = sessions.child(ws, Optional.empty(), Optional.empty()).start();
        Path run = waitForCheckpoint(child, ws, 4);
        assertThat(sh("kill", "-STOP", Long.toString(child.pid())).ok()).isTrue();
        Path lora = run.resolve("kill_r4_lr1e-3_steps6-step2.safetensors");
        long loraBytes = Files.size(lora);
        try {
            assertThat(TrainingSessions.latestCheckpoint(run)).as("paused too late").isEqualTo(4);
            assertThat(run.resolve("kill_r4_lr1e-3_steps6.safetensors")).as("paused too late").doesNotExist();
            fill(mount.resolve("filler"), loraBytes / 2);
        } finally {
            sh("kill", "-CONT", Long.toString(child.pid()));
        }
        ChildJvm.Result full = child.await(TrainingSessions.SESSION_TIMEOUT_SECONDS);
        full.output().lines().filter(l -> l.startsWith("error:")).forEach(l -> System.out.println("disk full → " + l));

        assertThat(full.exitCode()).as(full.output()).isEqualTo(1);
        assertThat(full.output()).as("one message naming the file, no stack trace")
                .containsPattern("error: .*(could not write|disk full while saving) "
                        + java.util.regex.Pattern.quote(run.toString()) + "/\\S+(: No space left on device|; )")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(TrainingSessions.latestCheckpoint(run)).isEqualTo(4);
        assertThat(RunFolderAudit.of(run).problems()).as("every file left parses; no partial file").isEmpty();
        RunRecord failed = RunRecord.read(run.resolve("run.json"));
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).containsAnyOf("No space left on device", "disk full while saving");

        // read-only: the resume fails before it changes anything
        Files.delete(mount.resolve("filler"));
        Map<String, String> before = contents(run);
        assertThat(sh("mount", "-o", "remount,ro", mount.toString()).ok()).isTrue();
        ChildJvm.Result ro = sessions.child(ws, Optional.of(run), Optional.empty())
                .run(TrainingSessions.SESSION_TIMEOUT_SECONDS);
        ro.output().lines().filter(l -> l.startsWith("error:")).forEach(l -> System.out.println("read-only → " + l));
        assertThat(ro.exitCode()).as(ro.output()).isEqualTo(1);
        assertThat(ro.output()).containsPattern("error: .*" + java.util.regex.Pattern.quote(run.toString())
                        + "/\\S+.*(Read-only file system|the disk is read-only)").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(contents(run)).as("the read-only attempt changed the run folder").isEqualTo(before);

        // space and write access back: the run resumes from step 4 to the end
        assertThat(sh("mount", "-o", "remount,rw", mount.toString()).ok()).isTrue();
        ChildJvm.Result resumed = sessions.child(ws, Optional.of(run), Optional.empty())
                .run(TrainingSessions.SESSION_TIMEOUT_SECONDS);
        assertThat(resumed.exitCode()).as(resumed.output()).isZero();
        assertThat(resumed.output()).contains("Resuming from checkpoints/step-000004");
        assertThat(RunRecord.read(run.resolve("run.json")).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(RunFolderAudit.of(run).problems()).isEmpty();
    }

    private static Path waitForCheckpoint(ChildJvm.Running child, Path ws, int step) throws Exception {
        long deadline = System.nanoTime() + TrainingSessions.SESSION_TIMEOUT_SECONDS * 1_000_000_000L;
        while (true) {
            assertThat(child.process().isAlive()).as("ended early:\n%s", child.output()).isTrue();
            assertThat(System.nanoTime()).as("no checkpoint in time").isLessThan(deadline);
            Optional<Path> run = TrainingSessions.runIn(ws);
            if (run.isPresent() && TrainingSessions.latestCheckpoint(run.get()) >= step) {
                return run.get();
            }
            Thread.sleep(5);
        }
    }

    /** Fills the file system of {@code file} until {@code leave} bytes are free. */
    private static void fill(Path file, long leave) throws IOException {
        long free = Files.getFileStore(file.getParent()).getUsableSpace();
        byte[] block = new byte[1 << 16];
        java.util.Arrays.fill(block, (byte) 1);
        long todo = free - leave;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (todo > 0) {
                int n = (int) Math.min(block.length, todo);
                out.write(block, 0, n);
                todo -= n;
            }
        }
        assertThat(Files.getFileStore(file.getParent()).getUsableSpace()).isLessThanOrEqualTo(leave + 4096);
    }

    /** Every file under {@code dir} with the SHA-256 of its bytes. */
    private static Map<String, String> contents(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private record Sh(int exit, String output) {
        boolean ok() {
            return exit == 0;
        }
    }

    private static Sh sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Sh(p.waitFor(), out);
    }
}
