package org.lorastudio.nn.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch kernels that DJL 0.36 does not expose, reached through a TorchScript module of our own
 * (docs/decisions/0003): {@code torch.scaled_dot_product_attention} (libtorch's fused CPU flash kernel, with autograd)
 * and {@code torch._fused_adamw_} (one native call for every tensor of an optimizer group).
 *
 * <p>The TorchScript source is the resource {@code kernels.py} next to this class. At first use on a device the
 * archive is written by {@link TorchScriptArchive} into DJL's cache folder ({@code lorastudio/kernels/<sha256>.pt},
 * atomically), loaded once, and every kernel is probed on tiny inputs. A kernel that fails to load, to probe or later
 * at run time is switched off for the process with the reason logged once, and its caller uses its plain-DJL
 * fallback. {@code LORASTUDIO_KERNELS=off} (or {@code -Dlorastudio.kernels=off}) uses the fallbacks throughout.
 *
 * <p>Callers check the {@code Optional} / {@code boolean} result and run their own plain-DJL code when it is empty.
 * Threading: the loaded module is shared, calls run on the caller's thread (STYLE 7 still holds for the arrays).
 */
public final class Kernels {
    /** Environment switch: {@code off} uses the plain-DJL fallbacks for every kernel. */
    public static final String SWITCH = "LORASTUDIO_KERNELS";

    /** The kernels, with the libtorch operator each one calls. */
    public enum Kernel {
        ATTENTION("attention", "torch.scaled_dot_product_attention"),
        ADAMW("adamw", "torch._fused_adamw_ + torch._foreach_zero_"),
        LION("lion", "torch._foreach_mul/_add/_sub + torch.sign, one call over all tensors"),
        SGD("sgd", "torch._foreach_mul/_add/_sub, one call over all tensors"),
        CAST("cast", "Tensor.float() / Tensor.half() with autograd (fp16 mixed precision)");

        private final String label;
        private final String op;
        private final LongAdder calls = new LongAdder();

        /** Calls that ran this kernel since the process started (bench prints it per step). */
        public long calls() {
            return calls.sum();
        }

        Kernel(String label, String op) {
            this.label = label;
            this.op = op;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Kernels.class);
    private static final String RESOURCE = "kernels.py";
    private static final String CLASS_NAME = "LoraStudioKernels";
    private static final String FOLDER = "lorastudio_kernels";
    private static final Map<Device, Loaded> LOADED = new ConcurrentHashMap<>();
    private static volatile boolean enabled = !"off".equalsIgnoreCase(System.getenv(SWITCH))
            && !"off".equalsIgnoreCase(System.getProperty("lorastudio.kernels"));

    private Kernels() {
    }

    /** Whether kernels are used at all (the switch). */
    public static boolean enabled() {
        return enabled;
    }

    /**
     * Turns the kernels on or off for this process (tests compare both paths; the CLI's bench runs both).
     *
     * @return the previous setting
     */
    public static boolean setEnabled(boolean on) {
        boolean previous = enabled;
        enabled = on;
        return previous;
    }

    /** Whether {@code kernel} is in use on {@code device} (loads the module on first call). */
    public static boolean active(Kernel kernel, Device device) {
        Loaded l = enabled ? loaded(device) : null;
        return l != null && l.failures.get(kernel) == null;
    }

    /** One line per kernel for {@code doctor}: which implementation runs on the CPU, and why. */
    public static List<String> status() {
        List<String> lines = new ArrayList<>();
        Loaded l = enabled ? loaded(Device.cpu()) : null;
        for (Kernel k : Kernel.values()) {
            String how;
            if (!enabled) {
                how = "plain DJL ops (" + SWITCH + "=off)";
            } else if (l.failures.get(k) != null) {
                how = "plain DJL ops (kernel unavailable: " + l.failures.get(k) + ")";
            } else {
                how = k.op + " (TorchScript kernel)";
            }
            lines.add(k.label + ": " + how);
        }
        if (l != null && l.file != null) {
            lines.add("kernel archive: " + l.file);
        }
        return lines;
    }

    /**
     * softmax(q·kᵀ·d^-½ + mask)·v over heads, with gradients to q, k and v when grad mode is on.
     *
     * @param q    (B, h, Tq, d)
     * @param k    (B, h, Tk, d)
     * @param v    (B, h, Tk, d)
     * @param mask additive, of q's type, broadcastable to (B, h, Tq, Tk); or null
     * @return (B, h, Tq, d), or empty when the kernel is not in use (the caller computes it itself)
     */
    public static Optional<NDArray> attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        if (!enabled) {
            return Optional.empty();
        }
        Loaded l = loaded(q.getDevice());
        if (l == null || l.failures.get(Kernel.ATTENTION) != null || !plain(q) || !plain(k) || !plain(v)
                || (mask != null && (!plain(mask) || mask.getDataType() != q.getDataType()))) {
            return Optional.empty();
        }
        NDList in = mask == null ? new NDList(q, k, v, l.selector("sdpa"))
                : new NDList(q, k, v, mask, l.selector("sdpa_mask"));
        try {
            NDArray out = IValueUtils.forward(l.block, in, true).singletonOrThrow();
            Kernel.ATTENTION.calls.increment();
            return Optional.of(out);
        } catch (RuntimeException e) {
            l.fail(Kernel.ATTENTION, e);
            return Optional.empty();
        }
    }

    /**
     * {@code x} as float32 or float16 with autograd kept: the gradient flows back through the cast (DJL's
     * {@code toType} runs under libtorch's no-grad guard and cuts the graph). This is what lets fp16 mixed precision
     * train fp32 LoRA weights on an fp16 base model.
     *
     * @param to FLOAT32 or FLOAT16
     * @return the cast array, or empty when the kernel is not in use (the caller decides whether a graph-cutting
     *         cast is acceptable)
     */
    public static Optional<NDArray> cast(NDArray x, DataType to) {
        if (!enabled || !(x instanceof PtNDArray) || (to != DataType.FLOAT32 && to != DataType.FLOAT16)) {
            return Optional.empty();
        }
        if (x.getName() != null) {
            x = x.reshape(x.getShape()); // an unnamed view, in the graph (a name would be read as a marker)
        }
        Loaded l = loaded(x.getDevice());
        if (l == null || l.failures.get(Kernel.CAST) != null) {
            return Optional.empty();
        }
        try {
            NDArray out = IValueUtils.forward(l.block, new NDList(x, l.selector(to == DataType.FLOAT32
                    ? "to_float32" : "to_float16")), true).singletonOrThrow();
            Kernel.CAST.calls.increment();
            return Optional.of(out);
        } catch (RuntimeException e) {
            l.fail(Kernel.CAST, e);
            return Optional.empty();
        }
    }

    /** A PyTorch array without a name (IValueUtils reads names as list/tuple/dict markers). */
    private static boolean plain(NDArray a) {
        return a instanceof PtNDArray && a.getName() == null;
    }

    /**
     * A fixed group of optimizer tensors (the parameters and each of their state lists, e.g. AdamW's
     * {@code exp_avg} and {@code exp_avg_sq}) held as native lists, so that a step costs one call: {@link #step}
     * runs the kernel's method over all of them with the given hyper-parameters (the caller counts steps), which
     * also zeroes the gradients.
     */
    public static final class TensorGroup implements AutoCloseable {
        private final Loaded loaded;
        private final Kernel kernel;
        private final int size;
        private IValue[] lists;

        private TensorGroup(Loaded loaded, Kernel kernel, List<List<NDArray>> lists) {
            this.loaded = loaded;
            this.kernel = kernel;
            this.size = lists.get(0).size();
            this.lists = lists.stream().map(l -> IValue.listFrom(l.toArray(PtNDArray[]::new))).toArray(IValue[]::new);
        }

        /**
         * One optimizer step over the group with hyper-parameters {@code hp} in the kernel method's order, and
         * zeroed gradients after.
         *
         * @return false when nothing was changed and the caller must update the tensors itself (kernel unavailable,
         *         or a parameter without a gradient)
         */
        public boolean step(double... hp) {
            if (!enabled || lists == null || loaded.failures.get(kernel) != null) {
                return false;
            }
            try (IValue h = IValue.listFrom(hp)) {
                IValue[] in = java.util.Arrays.copyOf(lists, lists.length + 1);
                in[lists.length] = h;
                try (IValue updated = IValueUtils.runMethod(loaded.block, kernel.label, in)) {
                    boolean done = updated.toLong() == size;
                    if (done) {
                        kernel.calls.increment();
                    }
                    return done;
                }
            } catch (RuntimeException e) {
                loaded.fail(kernel, e);
                return false;
            }
        }

        @Override
        public void close() {
            if (lists != null) {
                for (IValue v : lists) {
                    v.close();
                }
                lists = null;
            }
        }
    }

    /** AdamW's group: parameters, {@code exp_avg}, {@code exp_avg_sq}; hp = lr, β1, β2, weight decay, eps, t. */
    public static Optional<TensorGroup> adamWGroup(List<NDArray> params, List<NDArray> expAvgs,
            List<NDArray> expAvgSqs) {
        return group(Kernel.ADAMW, List.of(params, expAvgs, expAvgSqs));
    }

    /**
     * A native group of {@code kernel} over these lists (the parameters first; all float32 PyTorch arrays on one
     * device, lists of equal length), or empty when that kernel is not in use.
     */
    public static Optional<TensorGroup> group(Kernel kernel, List<List<NDArray>> lists) {
        List<NDArray> params = lists.get(0);
        if (!enabled || params.isEmpty() || lists.stream().anyMatch(l -> l.size() != params.size())) {
            return Optional.empty();
        }
        Loaded l = loaded(params.get(0).getDevice());
        if (l == null || l.failures.get(kernel) != null) {
            return Optional.empty();
        }
        for (List<NDArray> list : lists) {
            for (NDArray a : list) {
                if (!(a instanceof PtNDArray) || a.getDataType() != DataType.FLOAT32) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new TensorGroup(l, kernel, lists));
    }

    /** The module loaded for {@code device}, loading it on first use; its failures say which kernels are off. */
    private static Loaded loaded(Device device) {
        Loaded l = LOADED.get(device);
        if (l != null) {
            return l;
        }
        synchronized (Kernels.class) {
            return LOADED.computeIfAbsent(device, Kernels::load);
        }
    }

    private static Loaded load(Device device) {
        try {
            return load(device, source(), cacheDir());
        } catch (IOException e) {
            LOG.warn("TorchScript kernels unavailable on {}, using plain DJL ops: {}", device, e.toString());
            return Loaded.failed(null, e);
        }
    }

    /** For tests: which kernels a module built from {@code source} would switch off, and why. */
    static Map<Kernel, String> failuresOf(String source, Path dir) {
        Loaded l = load(Device.cpu(), source, dir);
        if (l.manager != null) {
            l.manager.close();
        }
        return new LinkedHashMap<>(l.failures);
    }

    private static Loaded load(Device device, String source, Path dir) {
        Path file = null;
        try {
            byte[] archive = TorchScriptArchive.write(FOLDER, CLASS_NAME, source);
            file = cached(archive, dir);
            PtNDManager manager = (PtNDManager) NDManager.newBaseManager(device, "PyTorch");
            try {
                PtSymbolBlock block = JniUtils.loadModule(manager, file, true, new String[0], new String[0], false);
                Loaded l = new Loaded(manager, block, file);
                l.probe();
                return l;
            } catch (RuntimeException e) {
                manager.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("TorchScript kernels unavailable on {}, using plain DJL ops: {}", device, e.toString());
            return Loaded.failed(file, e);
        }
    }

    private static String source() throws IOException {
        try (InputStream in = Kernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("resource " + RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The archive's file, named by the SHA-256 of its bytes and written atomically (temp file + move) when absent or
     * when the file there has other bytes.
     */
    static Path cached(byte[] archive) throws IOException {
        return cached(archive, cacheDir());
    }

    static Path cached(byte[] archive, Path dir) throws IOException {
        String hash = sha256(archive);
        Path file = dir.resolve(hash.substring(0, 32) + ".pt");
        if (Files.isRegularFile(file) && sha256(Files.readAllBytes(file)).equals(hash)) {
            return file;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "kernels-", ".tmp");
        try {
            Files.write(tmp, archive);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static Path cacheDir() {
        try {
            Path djl = Utils.getCacheDir();
            Files.createDirectories(djl);
            if (Files.isWritable(djl)) {
                return djl.resolve("lorastudio").resolve("kernels");
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // fall through to the temp folder
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "lorastudio", "kernels");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** A loaded module (or the reason there is none) and the kernels switched off on it, with why. */
    private static final class Loaded {
        private final PtNDManager manager;
        private final PtSymbolBlock block;
        private final Path file;
        private final Map<Kernel, String> failures = new ConcurrentHashMap<>();
        private final Map<String, NDArray> selectors = new ConcurrentHashMap<>();

        Loaded(PtNDManager manager, PtSymbolBlock block, Path file) {
            this.manager = manager;
            this.block = block;
            this.file = file;
        }

        static Loaded failed(Path file, Exception e) {
            Loaded l = new Loaded(null, null, file);
            for (Kernel k : Kernel.values()) {
                l.failures.put(k, "the module did not load: " + firstLine(e));
            }
            return l;
        }

        /**
         * The array whose name makes {@code IValueUtils.forward} call {@code method} instead of {@code forward}; it
         * is not passed to the method. One per method, kept for the process.
         */
        NDArray selector(String method) {
            return selectors.computeIfAbsent(method, m -> {
                NDArray a = manager.create(0f);
                NDScope.unregister(a); // a caller's scope must not close it
                a.setName("module_method:" + m);
                return a;
            });
        }

        /** Runs every kernel once on tiny inputs, so that one that cannot compile or run is off from the start. */
        void probe() {
            try (NDManager m = manager.newSubManager()) {
                NDArray q = m.randomNormal(new ai.djl.ndarray.types.Shape(1, 1, 3, 4));
                try {
                    IValueUtils.forward(block, new NDList(q, q, q, selector("sdpa")), true).close();
                    IValueUtils.forward(block, new NDList(q, q, q, m.zeros(new ai.djl.ndarray.types.Shape(3, 3)),
                            selector("sdpa_mask")), true).close();
                } catch (RuntimeException e) {
                    fail(Kernel.ATTENTION, e);
                }
                try (IValue none = IValue.listFrom(new PtNDArray[0]);
                        IValue hp = IValue.listFrom(1e-3, 0.9, 0.999, 0.01, 1e-8, 1.0);
                        IValue r = IValueUtils.runMethod(block, "adamw", none, none, none, hp)) {
                    if (r.toLong() != 0) {
                        throw new IllegalStateException("adamw over no tensors reported " + r.toLong());
                    }
                } catch (RuntimeException e) {
                    fail(Kernel.ADAMW, e);
                }
                try {
                    NDArray h = IValueUtils.forward(block, new NDList(q, selector("to_float16")), true)
                            .singletonOrThrow();
                    NDArray f = IValueUtils.forward(block, new NDList(h, selector("to_float32")), true)
                            .singletonOrThrow();
                    if (h.getDataType() != DataType.FLOAT16 || f.getDataType() != DataType.FLOAT32) {
                        throw new IllegalStateException("cast gave " + h.getDataType() + " / " + f.getDataType());
                    }
                } catch (RuntimeException e) {
                    fail(Kernel.CAST, e);
                }
                probeEmpty(Kernel.LION, 1, 1e-4, 0.9, 0.99, 0.0);
                probeEmpty(Kernel.SGD, 1, 1e-2, 0.9, 0.0);
            }
        }

        /** Runs {@code k}'s method over empty lists (it compiles, runs and reports 0 tensors). */
        private void probeEmpty(Kernel k, int stateLists, double... hp) {
            IValue[] in = new IValue[stateLists + 2];
            try {
                for (int i = 0; i <= stateLists; i++) {
                    in[i] = IValue.listFrom(new PtNDArray[0]);
                }
                in[stateLists + 1] = IValue.listFrom(hp);
                try (IValue r = IValueUtils.runMethod(block, k.label, in)) {
                    if (r.toLong() != 0) {
                        throw new IllegalStateException(k.label + " over no tensors reported " + r.toLong());
                    }
                }
            } catch (RuntimeException e) {
                fail(k, e);
            } finally {
                for (IValue v : in) {
                    if (v != null) {
                        v.close();
                    }
                }
            }
        }

        void fail(Kernel k, RuntimeException e) {
            if (failures.putIfAbsent(k, firstLine(e)) == null) {
                LOG.warn("TorchScript kernel '{}' switched off, using plain DJL ops: {}", k.label, e.toString());
            }
        }

        /** The first non-blank line of the message (libtorch's start with a newline, then a traceback). */
        private static String firstLine(Exception e) {
            return String.valueOf(e.getMessage()).lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
                    .orElse(e.getClass().getSimpleName());
        }
    }

    /** For tests: the kernels that failed on {@code device}, with the reason. */
    static Map<Kernel, String> failures(Device device) {
        Loaded l = loaded(device);
        return new LinkedHashMap<>(l.failures);
    }
}
