package org.lorastudio.util;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Named places in the code where the fault-injection tests kill the process for real, so that "a crash at exactly
 * this moment" is a test and not a hope. Off by default: unless the system property {@value #PROPERTY} is set,
 * {@link #reached} is one map lookup on an empty map and does nothing.
 *
 * <p>{@code -Dlorastudio.faults=checkpoint.before-rename:2,atomic.mid-file.png:1} makes the process SIGKILL itself
 * the 2nd time the checkpoint point is reached, or the 1st time a PNG is half written, whichever comes first. The
 * process kills itself with {@code kill -9} rather than {@link Runtime#halt}: a halt still runs the JVM's own
 * exit path, a signal is what a crash, the OOM killer or a power button does. The halt is only the fallback when
 * {@code kill} cannot be started.
 */
public final class FaultPoints {
    /** The system property listing {@code point:n} pairs (comma separated). */
    public static final String PROPERTY = "lorastudio.faults";

    private static final Map<String, Integer> TARGETS = parse(System.getProperty(PROPERTY, ""));
    private static final Map<String, Integer> HITS = new HashMap<>();

    private FaultPoints() {
    }

    /** Whether any fault is armed (callers use it to skip work that only serves a fault point). */
    public static boolean enabled() {
        return !TARGETS.isEmpty();
    }

    /** Marks that execution reached {@code point}; kills the process if that is the armed hit. */
    public static void reached(String point) {
        if (TARGETS.isEmpty()) {
            return;
        }
        Integer target = TARGETS.get(point);
        if (target == null) {
            return;
        }
        int hit;
        synchronized (HITS) {
            hit = HITS.merge(point, 1, Integer::sum);
        }
        if (hit == target) {
            killSelf();
        }
    }

    private static void killSelf() {
        long pid = ProcessHandle.current().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
            kill.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(10_000); // the signal is on its way; never return into the code being interrupted
        } catch (java.io.IOException | InterruptedException e) {
            // no kill command: fall through to the halt
        }
        Runtime.getRuntime().halt(137);
    }

    static Map<String, Integer> parse(String spec) {
        Map<String, Integer> targets = new HashMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(PROPERTY + ": expected point:n, got '" + p + "'");
            }
            targets.put(p.substring(0, colon), Integer.parseInt(p.substring(colon + 1)));
        }
        return Map.copyOf(targets);
    }
}
