package org.lorastudio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.lorastudio.nn.Convolution;
import org.lorastudio.runtime.CpuInfo;
import org.lorastudio.runtime.NativeThreads;
import org.lorastudio.nn.Functional;
import org.lorastudio.util.UserException;

/**
 * The numerical self-check that runs before any training (issue 13): forward and backward of every op kind the
 * trainer uses — the convolution shapes whose backward-data oneDNN 3.7 gets wrong on some CPUs, the ordinary ones,
 * linear, attention (plain and causal), layer, group and RMS norms, SiLU and GELU — in float32 through the same code
 * the networks call ({@link Convolution}, {@link Functional}), against the same computation in float64, on the device
 * that will train. libtorch's float64 convolution does not use oneDNN, so a faulty fp32 kernel cannot hide in both.
 *
 * <p>It takes a few milliseconds and runs once per process and device ({@link #forDevice}). A mismatch makes the
 * trainer refuse to start ({@link #require}); {@code lorastudio doctor} prints every case.
 * {@code LORASTUDIO_SKIP_SELF_CHECK=1} skips it (the NaN advice then says so); {@code LORASTUDIO_UNSAFE_KERNELS=1}
 * turns the kernel workarounds off but not this check.
 */
public final class SelfCheck {
    /** Set to {@code 1} to train without the check (at your own risk). */
    public static final String SKIP_ENV = "LORASTUDIO_SKIP_SELF_CHECK";
    /**
     * Test-only fault injection: the name prefix of a case whose float32 input gradient is halved, as a kernel that
     * skips taps would do (read on every run so in-process tests can set it; nothing sets it in normal use).
     */
    public static final String CORRUPT_PROPERTY = "lorastudio.selfcheck.corrupt";
    /** Relative L2 error allowed on the CPU: fp32 against fp64 is ~1e-7 here, the faults seen are 0.3–0.8 or NaN. */
    static final double CPU_TOLERANCE = 1e-3;
    /** On a GPU cuDNN convolutions may run in TF32 (10-bit mantissa) by default: ~1e-3 relative is normal there. */
    static final double GPU_TOLERANCE = 2e-2;

    private static final Map<Device, Report> DONE = new ConcurrentHashMap<>();

    private SelfCheck() {
    }

    /** One op checked: the worst relative error over its output and every input gradient. */
    public record Case(String op, String shape, String worstPart, double error, double tolerance, double millis) {
        public boolean passed() {
            return error <= tolerance; // false for NaN
        }
    }

    /** The outcome on one device. {@code skipped} when {@value #SKIP_ENV} was set. */
    public record Report(String device, CpuInfo cpu, List<Case> cases, double millis, boolean skipped) {
        public boolean passed() {
            return skipped || cases.stream().allMatch(Case::passed);
        }

        public Optional<Case> firstFailure() {
            return cases.stream().filter(c -> !c.passed()).findFirst();
        }

        /** One line: {@code passed (13 ops, 21 ms)}, {@code skipped (LORASTUDIO_SKIP_SELF_CHECK=1)} or the failure. */
        public String summary() {
            if (skipped) {
                return "skipped (" + SKIP_ENV + "=1)";
            }
            Optional<Case> f = firstFailure();
            if (f.isEmpty()) {
                return String.format("passed (%d ops forward and backward, fp32 against fp64, %.0f ms)",
                        cases.size(), millis);
            }
            Case c = f.get();
            return "FAILED: " + c.op() + " " + c.shape() + ", " + c.worstPart() + " off by " + percent(c.error());
        }
    }

    /** Thrown by {@link #require} when the check fails: the message says everything, {@link #advice} the fix. */
    public static final class Failed extends UserException {
        private static final long serialVersionUID = 1L;
        private final String reason;
        private final String advice;

        Failed(String reason, String advice) {
            super(reason + " " + advice);
            this.reason = reason;
            this.advice = advice;
        }

        /** What failed, without the advice. */
        public String reason() {
            return reason;
        }

        public String advice() {
            return advice;
        }
    }

    /** The check on {@code device}, computed on the first call in this process and remembered. */
    public static Report forDevice(Device device) {
        if (!System.getProperty(CORRUPT_PROPERTY, "").isEmpty()) {
            return run(device); // a result under fault injection is never remembered
        }
        Report r = DONE.get(device);
        if (r == null) {
            r = run(device);
            DONE.put(device, r);
        }
        return r;
    }

    /** The result already computed for {@code device} in this process, if any (for the NaN advice). */
    public static Optional<Report> done(Device device) {
        return Optional.ofNullable(DONE.get(device));
    }

    /** Runs the check (or uses this process's result) and refuses with {@link Failed} on a mismatch. */
    public static Report require(Device device) {
        Report r = forDevice(device);
        refuseIfFailed(r, device);
        return r;
    }

    /** Throws {@link Failed} when {@code r} (run on {@code device}) found a mismatch. */
    static void refuseIfFailed(Report r, Device device) {
        Optional<Case> f = r.firstFailure();
        if (!r.skipped() && f.isPresent()) {
            Case c = f.get();
            String where = device.isGpu() ? "GPU " + device.getDeviceId() : r.cpu().describe();
            String message = "The numerical self-check failed on " + where + ": " + c.op() + " " + c.shape()
                    + " (" + c.worstPart() + ") differs from a float64 computation by " + percent(c.error())
                    + " (allowed " + percent(c.tolerance()) + "), so training here would follow wrong gradients;"
                    + " nothing was trained.";
            String advice = ("1".equals(System.getenv("LORASTUDIO_UNSAFE_KERNELS"))
                    ? "Unset LORASTUDIO_UNSAFE_KERNELS: it turns off the workaround for this fault. "
                    : "This is a fault of the math library on this CPU, not of your config. ")
                    + "Run `lorastudio doctor` for the full check, update LoRA Studio, or train on another machine"
                    + " (or with device: cuda); " + SKIP_ENV + "=1 trains anyway, at your own risk.";
            throw new Failed(message, advice);
        }
    }

    /** Runs every case now on {@code device} (not remembered); the caller's thread owns the native memory. */
    public static Report run(Device device) {
        CpuInfo cpu = CpuInfo.current();
        String name = device.isGpu() ? "GPU " + device.getDeviceId() : "CPU";
        if ("1".equals(System.getenv(SKIP_ENV))) {
            return new Report(name, cpu, List.of(), 0, true);
        }
        NativeThreads.configureDefaults();
        Engine.getInstance();
        double tolerance = device.isGpu() ? GPU_TOLERANCE : CPU_TOLERANCE;
        long t0 = System.nanoTime();
        List<Case> cases = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(device)) {
            // Convolutions: the faulty kind (k > 1, stride 1, out % 16 != 0) at the shapes of our networks, then the
            // well-behaved kinds, so a report says which family broke.
            cases.add(conv(m, tolerance, 32, 4, 3, 1, "UNet conv_out, LoCon rank 4"));
            cases.add(conv(m, tolerance, 320, 4, 3, 1, "SD 1.5 conv_out"));
            cases.add(conv(m, tolerance, 8, 8, 3, 1, "VAE, LoCon rank 8"));
            cases.add(conv(m, tolerance, 4, 32, 3, 1, "conv_in"));
            cases.add(conv(m, tolerance, 32, 32, 3, 2, "downsampler"));
            cases.add(conv(m, tolerance, 32, 8, 1, 1, "1×1 shortcut"));
            cases.add(check(m, tolerance, "linear", "(2, 16, 64) → 48", new Shape[] {
                new Shape(2, 16, 64), new Shape(48, 64), new Shape(48)},
                in -> ai.djl.nn.core.Linear.linear(in.get(0), in.get(1), in.get(2)).singletonOrThrow()));
            cases.add(check(m, tolerance, "attention", "4 heads, 16 × 24 tokens, 64 channels", new Shape[] {
                new Shape(2, 16, 64), new Shape(2, 24, 64), new Shape(2, 24, 64)},
                in -> Functional.attention(in.get(0), in.get(1), in.get(2), 4, null, 0)));
            cases.add(check(m, tolerance, "causal attention", "4 heads, 16 tokens, 64 channels", new Shape[] {
                new Shape(2, 16, 64), new Shape(2, 16, 64), new Shape(2, 16, 64)},
                in -> Functional.attention(in.get(0), in.get(1), in.get(2), 4, causalMask(in.get(0), 16), 0)));
            cases.add(check(m, tolerance, "layer norm", "(2, 16, 64)", new Shape[] {
                new Shape(2, 16, 64), new Shape(64), new Shape(64)},
                in -> ai.djl.nn.norm.LayerNorm.layerNorm(in.get(0), new Shape(64), in.get(1), in.get(2), 1e-5f)
                        .singletonOrThrow()));
            cases.add(check(m, tolerance, "group norm", "8 groups, (2, 32, 8, 8)", new Shape[] {
                new Shape(2, 32, 8, 8), new Shape(1, 32, 1, 1), new Shape(1, 32, 1, 1)}, SelfCheck::groupNorm));
            cases.add(check(m, tolerance, "RMS norm", "(2, 16, 64)", new Shape[] {
                new Shape(2, 16, 64), new Shape(64)},
                in -> in.get(0).div(in.get(0).square().mean(new int[] {-1}, true).add(1e-6).sqrt()).mul(in.get(1))));
            cases.add(check(m, tolerance, "SiLU and GELU", "(2, 32, 8, 8)", new Shape[] {new Shape(2, 32, 8, 8)},
                in -> Functional.silu(in.get(0)).add(Functional.gelu(in.get(0)))));
        }
        return new Report(name, cpu, List.copyOf(cases), (System.nanoTime() - t0) / 1e6, false);
    }

    private static Case conv(NDManager m, double tolerance, int in, int out, int k, int stride, String where) {
        String op = "convolution " + k + "×" + k + " stride " + stride;
        String shape = in + "→" + out + " channels (" + where + ")";
        return check(m, tolerance, op, shape, new Shape[] {
            new Shape(2, in, 8, 8), new Shape(out, in, k, k), new Shape(out)},
            x -> Convolution.conv2d(x.get(0), x.get(1), x.get(2), stride, k / 2));
    }

    private static NDArray groupNorm(NDList in) {
        NDArray x = in.get(0);
        Shape s = x.getShape();
        long rest = s.size() / s.get(0) / 8;
        NDArray grouped = x.reshape(s.get(0), 8, rest);
        NDArray ones = x.getManager().ones(new Shape(rest), x.getDataType());
        NDArray zeros = x.getManager().zeros(new Shape(rest), x.getDataType());
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(rest), ones, zeros, 1e-5f)
                .singletonOrThrow(); // as nn.GroupNorm does it: a layer norm over each group, then the affine
        return normed.reshape(s).mul(in.get(1)).add(in.get(2));
    }

    private static NDArray causalMask(NDArray like, int t) {
        double[] mask = new double[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e9;
            }
        }
        return like.getManager().create(mask, new Shape(1, 1, t, t)).toType(like.getDataType(), false);
    }

    private static final String[] INPUT_WEIGHT_BIAS = {"input", "weight", "bias"};
    private static final String[] QKV = {"query", "key", "value"};

    private static Case check(NDManager m, double tolerance, String op, String shape, Shape[] shapes,
            Function<NDList, NDArray> fn) {
        return check(m, tolerance, op, shape, shapes, shapes.length == 3 && op.contains("attention") ? QKV
                : INPUT_WEIGHT_BIAS, fn);
    }

    private static Case check(NDManager m, double tolerance, String op, String shape, Shape[] shapes,
            String[] inputNames, Function<NDList, NDArray> fn) {
        long t0 = System.nanoTime();
        try (NDManager sm = m.newSubManager()) {
            // Fixed inputs from Java's generator: the engine's random state (the trainer's seeds) is never touched.
            SplittableRandom random = new SplittableRandom(op.hashCode() * 31L + shape.hashCode());
            List<double[]> values = new ArrayList<>();
            for (Shape s : shapes) {
                double[] v = new double[(int) s.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian(); // representable in fp32: both runs see the same values
                }
                values.add(v);
            }
            double[][] f32 = evaluate(sm, shapes, values, DataType.FLOAT32, fn);
            double[][] f64 = evaluate(sm, shapes, values, DataType.FLOAT64, fn);
            String corrupt = System.getProperty(CORRUPT_PROPERTY, "");
            if (!corrupt.isEmpty() && op.startsWith(corrupt)) {
                for (int i = 0; i < f32[1].length; i++) {
                    f32[1][i] *= 0.5;
                }
            }
            double worst = 0;
            String worstPart = "output";
            for (int p = 0; p < f32.length; p++) {
                double e = relativeError(f32[p], f64[p]);
                if (!(e <= worst)) { // NaN wins
                    worst = e;
                    worstPart = p == 0 ? "output" : inputNames[p - 1] + " gradient";
                    if (Double.isNaN(e)) {
                        break;
                    }
                }
            }
            return new Case(op, shape, worstPart, worst, tolerance, (System.nanoTime() - t0) / 1e6);
        }
    }

    /** Output, then the gradient of every input, of {@code sum(fn(inputs) · g)} with a fixed non-uniform g. */
    private static double[][] evaluate(NDManager m, Shape[] shapes, List<double[]> values, DataType type,
            Function<NDList, NDArray> fn) {
        NDList inputs = new NDList();
        for (int i = 0; i < shapes.length; i++) {
            NDArray a = m.create(values.get(i), shapes[i]).toType(type, false);
            a.setRequiresGradient(true);
            inputs.add(a);
        }
        double[][] out = new double[shapes.length + 1][];
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = fn.apply(inputs);
            double[] weights = new double[(int) y.size()];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) Math.sin(0.37 * i); // the same fp32-representable values for both types
            }
            NDArray g = m.create(weights, y.getShape()).toType(type, false);
            gc.backward(y.mul(g).sum());
            out[0] = y.toType(DataType.FLOAT64, false).toDoubleArray();
        }
        for (int i = 0; i < shapes.length; i++) {
            out[i + 1] = inputs.get(i).getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        }
        return out;
    }

    static double relativeError(double[] actual, double[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = actual[i] - expected[i];
            num += d * d;
            den += expected[i] * expected[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    private static String percent(double e) {
        if (Double.isNaN(e)) {
            return "NaN (not a number)";
        }
        return e >= 0.01 ? String.format("%.0f %%", e * 100) : String.format("%.1e relative", e);
    }
}
