package org.lorastudio.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A test mode that makes a CPU run fail where a first GPU run would (issue 15 item 6): while a {@link Session} is
 * open, every network op at our seams (Linear, the convolution, the norms, Embedding, attention, the LoRA side-cars,
 * noise and loss, the optimizer step) reports each input that
 * <ul>
 *   <li>does not belong to the run's manager tree (its manager, walked up through {@code getParentManager()}, never
 *       reaches the manager the trainer created): an array made by a {@code Device.cpu()} manager or kept in a
 *       static cache sits on the CPU on a GPU machine, and libtorch stops the first CUDA run with "Expected all
 *       tensors to be on the same device"; one from an {@code NDManager.newBaseManager()} of its own is, at best,
 *       not freed with the run. On the CPU the manager is the proxy that can fail;</li>
 *   <li>is on another device than that manager, or than its own manager (DJL derives scalars on the latter);</li>
 *   <li>has another dtype than the op computes in. Each call site names the expected type from its own weights
 *       (a Linear's input must have the weight's type), not from a global constant, so fp16 base layers with fp32
 *       LoRA side-cars check themselves;</li>
 *   <li>was already closed.</li>
 * </ul>
 * Process-wide constants that are made per device on purpose (the cached scalars of {@code Functional}) are checked
 * with {@link #constant}: device and type only. Ops without weights use {@link #alike}: their first input's type.
 *
 * <p>Off (no session open), each check is one read of a volatile field (call sites pass arrays they hold and types
 * that arrays cache; nothing is allocated). Only tests open sessions; a user never needs
 * this mode. The trainer {@link #bind binds} the manager it creates; a unit test can {@link #start(NDManager)} with
 * its own. Violations are collected (each distinct one once, with a count) so a test can list them all.
 */
public final class Placement {
    /**
     * System property ({@code -Dlorastudio.checkPlacement=true}) that makes every training run check itself and log
     * the outcome ({@link #startIfRequested}), so that a CLI run on a real config can be checked on the CPU too.
     */
    public static final String PROPERTY = "lorastudio.checkPlacement";

    private static volatile Session active;

    private Placement() {
    }

    /** A session for one training run when {@link #PROPERTY} is set and none is open yet; otherwise null. */
    public static Session startIfRequested() {
        return Boolean.getBoolean(PROPERTY) && active == null ? start() : null;
    }

    /** Opens a session whose root is bound later by the trainer ({@link #bind}); dtype checks run from now on. */
    public static Session start() {
        return start(null);
    }

    /** Opens a session that checks arrays against {@code root}'s tree and device. */
    public static synchronized Session start(NDManager root) {
        if (active != null) {
            throw new IllegalStateException("a placement check session is already open");
        }
        Session s = new Session(root);
        active = s;
        return s;
    }

    /** Whether a session is open. */
    public static boolean checking() {
        return active != null;
    }

    /**
     * Makes {@code root} (the manager a training run creates) the root the open session checks against, until the
     * returned binding closes. Nothing when no session is open.
     */
    public static Binding bind(NDManager root) {
        Session s = active;
        if (s == null) {
            return () -> { };
        }
        NDManager previous = s.root;
        s.root = root;
        return () -> s.root = previous;
    }

    /** A bound root; closing it restores the previous one. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Checks the inputs of op {@code op}: each must be in the run's tree, on its device and (when {@code expected}
     * is not null) of type {@code expected}. Null inputs (an absent bias) are skipped.
     */
    public static void inputs(String op, DataType expected, NDArray a) {
        Session s = active;
        if (s != null) {
            s.check(op, 0, a, expected);
        }
    }

    /** {@link #inputs(String, DataType, NDArray)} for two inputs. */
    public static void inputs(String op, DataType expected, NDArray a, NDArray b) {
        Session s = active;
        if (s != null) {
            s.check(op, 0, a, expected);
            s.check(op, 1, b, expected);
        }
    }

    /** {@link #inputs(String, DataType, NDArray)} for three inputs. */
    public static void inputs(String op, DataType expected, NDArray a, NDArray b, NDArray c) {
        Session s = active;
        if (s != null) {
            s.check(op, 0, a, expected);
            s.check(op, 1, b, expected);
            s.check(op, 2, c, expected);
        }
    }

    /** {@link #inputs(String, DataType, NDArray)} for four inputs. */
    public static void inputs(String op, DataType expected, NDArray a, NDArray b, NDArray c, NDArray d) {
        Session s = active;
        if (s != null) {
            s.check(op, 0, a, expected);
            s.check(op, 1, b, expected);
            s.check(op, 2, c, expected);
            s.check(op, 3, d, expected);
        }
    }

    /** {@link #inputs(String, DataType, NDArray)} for a list of inputs. */
    public static void inputs(String op, DataType expected, List<NDArray> arrays) {
        Session s = active;
        if (s != null) {
            for (int i = 0; i < arrays.size(); i++) {
                s.check(op, i, arrays.get(i), expected);
            }
        }
    }

    /**
     * Checks the inputs of an op without weights, which computes in its first input's type: all must be in the run's
     * tree, on its device and of {@code a}'s type. (The type is read only while checking: asking a fresh array for
     * it is a native call.)
     */
    public static void alike(String op, NDArray a, NDArray b) {
        Session s = active;
        if (s != null) {
            DataType t = typeOf(a);
            s.check(op, 0, a, t);
            s.check(op, 1, b, t);
        }
    }

    /** {@link #alike(String, NDArray, NDArray)} for three inputs. */
    public static void alike(String op, NDArray a, NDArray b, NDArray c) {
        Session s = active;
        if (s != null) {
            DataType t = typeOf(a);
            s.check(op, 0, a, t);
            s.check(op, 1, b, t);
            s.check(op, 2, c, t);
        }
    }

    /** {@link #alike(String, NDArray, NDArray)} for four inputs. */
    public static void alike(String op, NDArray a, NDArray b, NDArray c, NDArray d) {
        Session s = active;
        if (s != null) {
            DataType t = typeOf(a);
            s.check(op, 0, a, t);
            s.check(op, 1, b, t);
            s.check(op, 2, c, t);
            s.check(op, 3, d, t);
        }
    }

    private static DataType typeOf(NDArray a) {
        return a == null || a.isReleased() ? null : a.getDataType();
    }

    /**
     * Checks a process-wide constant made per device on purpose (outside any run's tree): only that it is on the
     * run's device, has type {@code expected} and is open.
     */
    public static void constant(String op, DataType expected, NDArray a) {
        Session s = active;
        if (s != null) {
            s.checkConstant(op, a, expected);
        }
    }

    /** One distinct problem: the op, which input, what is wrong, and the array's facts (null once it was closed). */
    public record Violation(String op, int input, String problem, Shape shape, DataType dtype, Device device,
                            String manager) {
        /** One line: {@code Linear input 0 (2, 8) float64 on cpu(): dtype float64, expected float32; manager …}. */
        public String describe() {
            if (shape == null) { // closed: its facts are gone
                return op + " input " + input + ": " + problem + "; its manager: " + manager;
            }
            return op + " input " + input + " " + shape + " " + dtype + " on " + device + ": " + problem
                    + "; its manager: " + manager;
        }
    }

    /** The checks of one test: counts per op and the distinct violations with how often each was seen. */
    public static final class Session implements AutoCloseable {
        private volatile NDManager root;
        private final Map<String, Long> checks = new TreeMap<>();
        /** Distinct violations by op, input, problem and the array's facts (not its manager: one per step). */
        private final Map<String, Violation> violations = new LinkedHashMap<>();
        private final Map<String, Long> seen = new LinkedHashMap<>();
        private long rootChecks;

        private Session(NDManager root) {
            this.root = root;
        }

        /** How many inputs each op had checked (a test asserts the seams were reached). */
        public synchronized Map<String, Long> checksByOp() {
            return new TreeMap<>(checks);
        }

        /**
         * How many inputs were checked against a bound root (tree and device; the rest only for type): a training
         * test asserts this is not 0, so that "no violations" cannot come from a root that was never bound.
         */
        public synchronized long rootChecks() {
            return rootChecks;
        }

        /** The distinct violations in the order first seen. */
        public synchronized List<Violation> violations() {
            return new ArrayList<>(violations.values());
        }

        /** Every violation on its own line with its count, or an empty string. */
        public synchronized String report() {
            StringBuilder b = new StringBuilder();
            violations.forEach((k, v) -> b.append(v.describe()).append(seen.get(k) > 1 ? " (seen " + seen.get(k)
                    + " times)" : "").append('\n'));
            return b.toString();
        }

        /** One log line: how much was checked at which seams, and the violations (each on its own line) if any. */
        public synchronized String summary() {
            long inputs = checks.values().stream().mapToLong(Long::longValue).sum();
            String head = "Placement check: " + inputs + " op inputs checked (" + rootChecks + " against the run's"
                    + " manager) at " + checks.keySet();
            return violations.isEmpty() ? head + "; no violations"
                    : head + "; " + violations.size() + " violation(s) a GPU run would stop at:\n" + report();
        }

        /** Throws, listing every violation, unless there were none. */
        public void requireNone() {
            String r = report();
            if (!r.isEmpty()) {
                throw new IllegalStateException(violations().size() + " placement violation(s), each of which a"
                        + " GPU run would stop at:\n" + r);
            }
        }

        @Override
        public void close() {
            synchronized (Placement.class) {
                if (active == this) {
                    active = null;
                }
            }
        }

        private static String opKey(String op) {
            int space = op.indexOf(' ');
            return space < 0 ? op : op.substring(0, space);
        }

        void check(String op, int input, NDArray a, DataType expected) {
            if (a == null) {
                return;
            }
            count(op);
            if (a.isReleased()) { // its shape, type and device would be native calls on a freed handle
                addClosed(op, input, a);
                return;
            }
            if (expected != null && a.getDataType() != expected) {
                add(op, input, a, "dtype " + a.getDataType() + ", expected " + expected, describe(a.getManager()));
            }
            NDManager r = root;
            if (r == null) {
                return;
            }
            countRoot();
            if (!a.getDevice().equals(r.getDevice())) {
                add(op, input, a, "device " + a.getDevice() + ", the run's device is " + r.getDevice(),
                        describe(a.getManager()));
            }
            // toDevice keeps the source's manager: a copy moved off the manager's device shows up here
            if (!a.getManager().getDevice().equals(a.getDevice())) {
                add(op, input, a, "on " + a.getDevice() + " but its manager is on " + a.getManager().getDevice()
                        + " (what DJL derives from it, such as scalars, lands there)", describe(a.getManager()));
            }
            if (!under(a.getManager(), r)) {
                add(op, input, a, "outside the run's manager tree (made by a manager of its own: on a GPU machine it"
                        + " can sit on another device, and it is not freed with the run)", describe(a.getManager()));
            }
        }

        void checkConstant(String op, NDArray a, DataType expected) {
            count(op);
            if (a.isReleased()) {
                addClosed(op, 0, a);
                return;
            }
            if (a.getDataType() != expected) {
                add(op, 0, a, "dtype " + a.getDataType() + ", expected " + expected, describe(a.getManager()));
            }
            NDManager r = root;
            if (r != null && !a.getDevice().equals(r.getDevice())) {
                add(op, 0, a, "constant on " + a.getDevice() + ", the run's device is " + r.getDevice(),
                        describe(a.getManager()));
            }
        }

        private synchronized void countRoot() {
            rootChecks++;
        }

        private synchronized void count(String op) {
            checks.merge(opKey(op), 1L, Long::sum);
        }

        private void add(String op, int input, NDArray a, String problem, String manager) {
            record(new Violation(op, input, problem, a.getShape(), a.getDataType(), a.getDevice(), manager));
        }

        private void addClosed(String op, int input, NDArray a) {
            record(new Violation(op, input, "the array was already closed", null, null, null,
                    describe(a.getManager())));
        }

        private synchronized void record(Violation v) {
            String op = v.op();
            int input = v.input();
            String problem = v.problem();
            String key = op + "|" + input + "|" + problem + "|" + v.shape() + "|" + v.dtype() + "|" + v.device();
            violations.putIfAbsent(key, v);
            seen.merge(key, 1L, Long::sum);
        }

        private String describe(NDManager m) {
            NDManager r = root;
            List<String> chain = new ArrayList<>();
            for (NDManager x = m; x != null; x = x.getParentManager()) {
                if (x == r) {
                    chain.add("the run's manager");
                    break;
                }
                chain.add(x.getParentManager() == null ? "the engine's system manager"
                        : "'" + x.getName() + "' on " + x.getDevice());
            }
            boolean base = m != r && m.getParentManager() != null && m.getParentManager().getParentManager() == null;
            return String.join(" < ", chain) + (base ? " (a base manager of its own: NDManager.newBaseManager)" : "");
        }
    }

    private static boolean under(NDManager m, NDManager root) {
        for (NDManager x = m; x != null; x = x.getParentManager()) {
            if (x == root) {
                return true;
            }
        }
        return false;
    }
}
