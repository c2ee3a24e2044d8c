package org.lorastudio.reliability.fuzz;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Runs a {@link FuzzTarget} on its corpus as is and then on mutated inputs, and reports what happened: accepted
 * inputs, rejections grouped by the kind of message, and findings (crashes, broken invariants, hangs, memory
 * blow-ups), each saved under {@code target/fuzz-findings/<target>/} so it can be added to the corpus.
 *
 * <p>The inputs run on a worker thread; this thread watches the clock, so an input that runs past the per-input
 * limit is reported with the stack it hangs in instead of stalling the build. Memory is measured per input as the
 * bytes the worker thread allocated (HotSpot's per-thread counter): a header that makes a reader allocate by what
 * it claims rather than by what the file holds shows up there even when the heap happens to be large enough.
 */
final class FuzzLoop {
    /** One input that the reader did not handle as it must. */
    record Finding(String kind, long index, byte[] input, String detail, Path saved) {
    }

    /** What one run saw. */
    record Stats(String target, long inputs, long accepted, Map<String, Long> rejections, List<Finding> findings,
                 Duration time, long maxAllocatedBytes, long slowestMicros) {
        long rejected() {
            return rejections.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Counts, time and the most common rejection kinds, for the test log. */
        String summary() {
            StringBuilder sb = new StringBuilder(String.format(
                    "fuzz %-16s %,9d inputs in %6.1f s (%,.0f/s): %,d accepted, %,d rejected in %d kinds, %d findings;"
                            + " slowest input %,d µs, most allocated by one input %,d KiB%n",
                    target, inputs, time.toMillis() / 1000.0, inputs * 1e9 / Math.max(1, time.toNanos()), accepted,
                    rejected(), rejections.size(), findings.size(), slowestMicros, maxAllocatedBytes >> 10));
            rejections.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(12)
                    .forEach(e -> sb.append(String.format("    %,8d  %s%n", e.getValue(), e.getKey())));
            if (rejections.size() > 12) {
                sb.append(String.format("    ... and %d rarer kinds%n", rejections.size() - 12));
            }
            for (Finding f : findings.stream().limit(5).toList()) {
                sb.append("  FINDING ").append(f.kind()).append(" at input ").append(f.index())
                        .append(f.saved() == null ? "" : " saved as " + f.saved()).append('\n')
                        .append(f.detail().indent(4));
            }
            return sb.toString();
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzLoop() {
    }

    /**
     * Replays {@code corpus}, then feeds {@code mutations} mutated inputs.
     *
     * @param seed          mutator seed; a finding is reproduced by the same seed and input count
     * @param perInputLimit an input that takes longer is a hang
     */
    static Stats run(FuzzTarget target, List<byte[]> corpus, long mutations, long seed, Duration perInputLimit)
            throws InterruptedException {
        return run(target, corpus, mutations, seed, perInputLimit, null);
    }

    /**
     * As {@link #run(FuzzTarget, List, long, long, Duration)}, but stops feeding mutations once {@code budget} has
     * passed (null: no budget), so that a busy machine makes the run shorter rather than the build slower.
     */
    static Stats run(FuzzTarget target, List<byte[]> corpus, long mutations, long seed, Duration perInputLimit,
                     Duration budget) throws InterruptedException {
        Mutator mutator = new Mutator(seed, corpus, target.dictionary(), target.maxLength());
        long deadline = budget == null ? Long.MAX_VALUE : System.nanoTime() + budget.toNanos();
        Worker worker = new Worker(target, corpus, mutator, mutations, deadline);
        Thread thread = new Thread(worker, "fuzz-" + target.name());
        thread.setDaemon(true);
        long start = System.nanoTime();
        thread.start();
        Finding hang = null;
        while (thread.isAlive()) {
            thread.join(50);
            long began = worker.inputStart;
            if (began != 0 && System.nanoTime() - began > perInputLimit.toNanos() && thread.isAlive()) {
                byte[] input = worker.current.get();
                StringBuilder stack = new StringBuilder("input ran longer than " + perInputLimit.toMillis() + " ms in:\n");
                for (StackTraceElement e : thread.getStackTrace()) {
                    stack.append("  at ").append(e).append('\n');
                }
                hang = new Finding("hang", worker.index, input, stack.toString(), save(target, "hang", input));
                worker.stop = true;
                thread.interrupt();
                thread.join(perInputLimit.toMillis());
                break;
            }
        }
        Duration time = Duration.ofNanos(System.nanoTime() - start);
        List<Finding> findings = new ArrayList<>(worker.findings);
        if (hang != null) {
            findings.add(hang);
        }
        return new Stats(target.name(), worker.index, worker.accepted, worker.rejections, findings, time,
                worker.maxAllocated, worker.slowestNanos / 1000);
    }

    private static final class Worker implements Runnable {
        private final FuzzTarget target;
        private final List<byte[]> corpus;
        private final Mutator mutator;
        private final long mutations;
        private final long deadline;
        final AtomicReference<byte[]> current = new AtomicReference<>();
        final Map<String, Long> rejections = new LinkedHashMap<>();
        final List<Finding> findings = new ArrayList<>();
        volatile long inputStart;
        volatile long index;
        volatile boolean stop;
        long accepted;
        long maxAllocated;
        long slowestNanos;

        Worker(FuzzTarget target, List<byte[]> corpus, Mutator mutator, long mutations, long deadline) {
            this.target = target;
            this.corpus = corpus;
            this.mutator = mutator;
            this.mutations = mutations;
            this.deadline = deadline;
        }

        @Override
        public void run() {
            try {
                for (byte[] seed : corpus) {
                    if (stop) {
                        return;
                    }
                    one(seed);
                }
                for (long i = 0; i < mutations && !stop; i++) {
                    if ((i & 63) == 0 && System.nanoTime() > deadline) {
                        return;
                    }
                    one(nextInput());
                }
            } catch (RuntimeException | Error e) {
                // a bug in the mutator or the loop itself: report it rather than end quietly
                finding("harness", index, current.get(), e);
            }
        }

        private byte[] nextInput() {
            if (mutator.random().nextInt(3) == 0) {
                byte[] s = target.structural(mutator.pick().clone(), mutator);
                if (s != null) {
                    int extra = mutator.random().nextInt(4) == 0 ? 1 : 0;
                    return extra == 0 ? s : mutator.mutate(s, extra);
                }
            }
            return mutator.next();
        }

        private void one(byte[] input) {
            current.set(input);
            long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            inputStart = t0;
            String outcome = null;
            Throwable error = null;
            try {
                outcome = target.run(input);
            } catch (Throwable t) {
                error = t;
            }
            long took = System.nanoTime() - t0;
            inputStart = 0;
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore;
            slowestNanos = Math.max(slowestNanos, took);
            maxAllocated = Math.max(maxAllocated, allocated);
            long at = index;
            index = at + 1;
            if (error instanceof InterruptedException || stop) {
                return;
            }
            if (error == null) {
                if (outcome.equals("accepted")) {
                    accepted++;
                } else {
                    rejections.merge(kind(outcome), 1L, Long::sum);
                }
            } else if (error instanceof AssertionError) {
                finding("invariant", at, input, error);
            } else if (target.isClearRejection(error)) {
                rejections.merge(kind(error.getMessage()), 1L, Long::sum);
            } else {
                finding(error instanceof OutOfMemoryError ? "memory" : "crash", at, input, error);
            }
            if (allocated > target.allocationLimit(input.length)) {
                findings.add(new Finding("memory", at, input, "allocated " + allocated + " bytes for a "
                        + input.length + "-byte input", save(target, "memory", input)));
            }
        }

        private void finding(String kind, long at, byte[] input, Throwable error) {
            // keep the first few of each kind in full; count the rest
            if (findings.size() < 50) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                String detail = trace.toString().lines().limit(25).collect(Collectors.joining("\n"));
                findings.add(new Finding(kind, at, input, detail, save(target, kind, input)));
            } else {
                rejections.merge("(further findings, not kept) " + kind, 1L, Long::sum);
            }
        }
    }

    /**
     * The kind of a message, for counting: the first line with quoted text, numbers, bracketed lists and file
     * names masked, so that "tensor 'a' needs 4 bytes" and "tensor 'b' needs 8 bytes" count as one kind.
     */
    static String kind(String message) {
        String s = message == null ? "(no message)" : message.lines().findFirst().orElse("");
        s = s.replaceAll("'[^']*'|\"[^\"]*\"|`[^`]*`|«[^»]*»", "Q")
                .replaceAll("\\[[^\\]]*\\]", "[..]")
                .replaceAll("\\S+\\.(safetensors|yaml|csv|jsonl|json|txt)\\b", "<file>")
                .replaceAll("\\(line \\d+, column \\d+\\)", "")
                .replaceAll("(?i)\\(found:? [^)]*\\)", "(found X)")
                .replaceAll("0x[0-9a-fA-F]+", "0xN")
                .replaceAll("\\d+", "N");
        return s.length() > 90 ? s.substring(0, 90) + "…" : s;
    }

    /** Saves a finding's input under {@code target/fuzz-findings/<target>/}; {@code null} when that fails. */
    private static Path save(FuzzTarget target, String kind, byte[] input) {
        try {
            Path dir = Path.of("target", "fuzz-findings", target.name());
            Files.createDirectories(dir);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input), 0, 6);
            Path file = dir.resolve(kind + "-" + hash + ".bin");
            Files.write(file, input);
            return file.toAbsolutePath();
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
