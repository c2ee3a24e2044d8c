package org.lorastudio.reliability.kill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.reliability.kill.TraceModel.Event;
import org.lorastudio.reliability.kill.TraceModel.Phase;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.ChildJvm;

/**
 * Issue 9 item 1: {@code train} in a child JVM is SIGKILLed at seeded pseudo-random points — inside a step, in the
 * middle of a checkpoint, a sample or a LoRA file, during the final save, and from the outside at a random moment
 * — and resumed with {@code train --resume} after each kill. At the end every file of the run folder must parse,
 * every step must be logged exactly once, and the LoRA files, samples and losses must be bit-identical to an
 * uninterrupted run (CPU).
 *
 * <p>Each fault-point kill is also checked where it happened: the newest complete checkpoint on disk must be the
 * one the {@link TraceModel} predicts for that moment, so a checkpoint that appears before it is complete, or a
 * kill that did not fire, fails the test.
 */
class TrainingKillTest {
    private static final long SEED = 20261129L;

    @TempDir
    static Path root;
    static TrainingSessions sessions;
    static Path reference;
    static double secondsPerStep;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        sessions = TrainingSessions.create(root);
        Path ws = root.resolve("reference");
        long t0 = System.nanoTime();
        ChildJvm.Result r = sessions.child(ws, Optional.empty(), Optional.empty())
                .run(TrainingSessions.SESSION_TIMEOUT_SECONDS);
        assertThat(r.exitCode()).as("reference run:\n%s", r.output()).isZero();
        reference = TrainingSessions.runIn(ws).orElseThrow();
        List<MetricPoint> m = MetricsLog.read(reference.resolve("metrics.jsonl"));
        secondsPerStep = m.get(m.size() - 1).seconds() / m.size();
        System.out.printf("kill test: reference run %.1f s (%.2f s per step)%n", (System.nanoTime() - t0) / 1e9,
                secondsPerStep);
    }

    /** Three kills, one each in a checkpoint, a sample and the final save: the default suite's variant. */
    @Test
    void threeKillsThenResumeMatchTheUninterruptedRunBitForBit() throws Exception {
        killResumeAndCompare("fast", List.of(Phase.CHECKPOINT, Phase.SAMPLE, Phase.FINAL), 3, 0);
    }

    /** Ten kills covering steps, checkpoints, samples and the final save, two of them from the outside. */
    @Test
    @Tag("slow")
    void tenKillsThenResumeMatchTheUninterruptedRunBitForBit() throws Exception {
        killResumeAndCompare("full", List.of(Phase.STEP, Phase.CHECKPOINT, Phase.SAMPLE, Phase.FINAL), 10, 2);
    }

    private void killResumeAndCompare(String name, List<Phase> mustCover, int kills, int parentKills)
            throws Exception {
        long t0 = System.nanoTime();
        Random rnd = new Random(SEED + kills);
        TraceModel model = TrainingSessions.model();
        Path ws = root.resolve(name);
        Path run = null;
        int from = 0;
        List<Phase> uncovered = new ArrayList<>(mustCover);
        Set<Integer> parentAt = new java.util.TreeSet<>();
        while (parentAt.size() < parentKills) {
            parentAt.add(rnd.nextInt(Math.min(4, kills - 2)));
        }
        int parentDone = 0;
        Set<Phase> covered = EnumSet.noneOf(Phase.class);
        List<String> done = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            Optional<Path> resume = Optional.ofNullable(run);
            if (parentAt.contains(i) && from > TrainingSessions.TOTAL_STEPS - 2 && i + 1 < kills - 2) {
                parentAt.add(i + 1); // too close to the end for a kill from outside: the next one is
            }
            if (parentAt.contains(i) && from <= TrainingSessions.TOTAL_STEPS - 2) {
                from = killFromOutside(ws, resume, from, rnd);
                parentDone++;
                done.add("parent kill → resume from step " + from);
            } else {
                Event e = pick(model.session(from), uncovered, i >= kills - 2, rnd);
                ChildJvm.Result r = sessions.child(ws, resume, Optional.of(e.spec()))
                        .run(TrainingSessions.SESSION_TIMEOUT_SECONDS);
                assertThat(r.exitCode()).as("kill %d at %s (step %d) did not kill the run:\n%s", i + 1, e.spec(),
                        e.step(), r.output()).isEqualTo(137);
                run = TrainingSessions.runIn(ws).orElseThrow();
                int after = TrainingSessions.latestCheckpoint(run);
                assertThat(after).as("newest complete checkpoint after a kill at %s (step %d)", e.spec(), e.step())
                        .isEqualTo(e.checkpointAfter());
                covered.add(e.phase());
                uncovered.remove(e.phase());
                from = after;
                done.add(e.spec() + " (" + e.phase() + ", step " + e.step() + ") → resume from step " + from);
            }
            run = TrainingSessions.runIn(ws).orElseThrow();
        }
        ChildJvm.Result last = sessions.child(ws, Optional.of(run), Optional.empty())
                .run(TrainingSessions.SESSION_TIMEOUT_SECONDS);
        assertThat(last.exitCode()).as("final resume:\n%s", last.output()).isZero();
        System.out.printf("kill test %s: %d kills in %.1f s%n  %s%n", name, kills, (System.nanoTime() - t0) / 1e9,
                String.join("\n  ", done));

        assertThat(covered).containsAll(mustCover);
        assertThat(parentDone).as("kills from outside").isEqualTo(parentKills);
        RunFolderAudit audit = RunFolderAudit.of(run);
        assertThat(audit.problems()).as("files of the killed-and-resumed run").isEmpty();
        assertThat(RunFolderAudit.of(reference).problems()).as("files of the reference run").isEmpty();
        compareWithReference(run);
        assertTensorBoardShowsEachStepOnce(audit, run);
    }

    /** After TensorBoard's purge on each session start, every step's loss is shown once, with the logged value. */
    private static void assertTensorBoardShowsEachStepOnce(RunFolderAudit audit, Path run) {
        Map<Long, List<Float>> shown = audit.tensorBoard("loss");
        List<MetricPoint> metrics = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(shown.keySet()).as("TensorBoard loss steps").containsExactlyElementsOf(
                metrics.stream().map(MetricPoint::step).toList());
        for (MetricPoint m : metrics) {
            assertThat(shown.get(m.step())).as("TensorBoard loss at step %d", m.step())
                    .containsExactly((float) m.loss());
        }
    }

    /**
     * An event of the wanted phase (the first still uncovered, else any) from the trace; before the last two kills
     * never one after the final checkpoint is complete, since a finished run leaves no step to kill.
     */
    private static Event pick(List<Event> trace, List<Phase> uncovered, boolean nearEnd, Random rnd) {
        List<Event> eligible = trace.stream()
                .filter(e -> nearEnd || e.checkpointAfter() < TrainingSessions.TOTAL_STEPS).toList();
        Phase want = uncovered.isEmpty() ? null : uncovered.get(0);
        List<Event> of = eligible.stream().filter(e -> want == null || e.phase() == want).toList();
        List<Event> from = of.isEmpty() ? eligible : of;
        return from.get(rnd.nextInt(from.size()));
    }

    /** Starts a session, waits until it logs its first new step, then SIGKILLs it at a random moment. */
    private static int killFromOutside(Path ws, Optional<Path> resume, int from, Random rnd) throws Exception {
        Path metrics = resume.map(r -> r.resolve("metrics.jsonl")).orElse(null);
        String stale = metrics == null ? "" : read(metrics);
        ChildJvm.Running child = sessions.child(ws, resume, Optional.empty()).start();
        long deadline = System.nanoTime() + TrainingSessions.SESSION_TIMEOUT_SECONDS * 1_000_000_000L;
        while (true) {
            assertThat(child.process().isAlive()).as("the child ended before the kill:\n%s", child.output()).isTrue();
            assertThat(System.nanoTime()).as("no step logged in time").isLessThan(deadline);
            if (metrics == null) {
                metrics = TrainingSessions.runIn(ws).map(r -> r.resolve("metrics.jsonl")).orElse(null);
            }
            String now = metrics == null ? "" : read(metrics);
            if (!now.equals(stale) && now.lines().anyMatch(l -> stepOf(l) > from)) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(rnd.nextInt((int) Math.max(50, secondsPerStep * 1000)));
        assertThat(child.process().isAlive()).as("the child ended before the kill:\n%s", child.output()).isTrue();
        child.kill();
        return TrainingSessions.latestCheckpoint(TrainingSessions.runIn(ws).orElseThrow());
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static long stepOf(String line) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"step\"\\s*:\\s*(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void compareWithReference(Path run) throws IOException {
        RunRecord record = RunRecord.read(run.resolve("run.json"));
        assertThat(record.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(record.stepsDone()).isEqualTo(TrainingSessions.TOTAL_STEPS);
        assertThat(Files.readString(run.resolve("notes.md"))).contains("## Results");
        assertThat(TrainingSessions.latestCheckpoint(run)).isEqualTo(TrainingSessions.TOTAL_STEPS);

        List<MetricPoint> a = MetricsLog.read(reference.resolve("metrics.jsonl"));
        List<MetricPoint> b = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(b).extracting(MetricPoint::step).as("every step logged once")
                .containsExactly(java.util.stream.LongStream.rangeClosed(1, TrainingSessions.TOTAL_STEPS).boxed()
                        .toArray(Long[]::new));
        for (int i = 0; i < a.size(); i++) {
            assertThat(Double.doubleToRawLongBits(b.get(i).loss())).as("loss bits at step %d", i + 1)
                    .isEqualTo(Double.doubleToRawLongBits(a.get(i).loss()));
            assertThat(Double.doubleToRawLongBits(b.get(i).lr())).as("lr bits at step %d", i + 1)
                    .isEqualTo(Double.doubleToRawLongBits(a.get(i).lr()));
        }

        List<String> loras = names(reference, ".safetensors");
        assertThat(names(run, ".safetensors")).isEqualTo(loras).isNotEmpty();
        for (String f : loras) {
            try (SafetensorsFile fa = SafetensorsFile.open(reference.resolve(f));
                 SafetensorsFile fb = SafetensorsFile.open(run.resolve(f))) {
                assertThat(fb.tensors().keySet()).isEqualTo(fa.tensors().keySet());
                for (String k : fa.tensors().keySet()) {
                    assertThat(fb.info(k).dtype()).isEqualTo(fa.info(k).dtype());
                    assertThat(fb.info(k).shape()).isEqualTo(fa.info(k).shape());
                    assertThat(bytes(fb.map(k))).as("%s %s", f, k).isEqualTo(bytes(fa.map(k)));
                }
            }
        }
        List<String> samples = names(reference.resolve("samples"), ".png");
        assertThat(names(run.resolve("samples"), ".png")).isEqualTo(samples).isNotEmpty();
        for (String f : samples) {
            assertThat(Files.readAllBytes(run.resolve("samples").resolve(f))).as("sample %s", f)
                    .isEqualTo(Files.readAllBytes(reference.resolve("samples").resolve(f)));
        }
    }

    private static List<String> names(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
