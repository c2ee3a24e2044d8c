package org.lorastudio.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.lorastudio.nn.kernels.Kernels;
import org.lorastudio.runtime.CpuInfo;
import org.lorastudio.runtime.Devices;
import org.lorastudio.runtime.NativeLogging;
import org.lorastudio.runtime.NativeThreads;
import org.lorastudio.train.SelfCheck;
import org.lorastudio.util.Versions;

/**
 * What {@code lorastudio doctor} and the studio's Help → System check show (one content, two front ends): the
 * versions, where libtorch came from, the CPU and its threads, the numerical self-check, the GPUs and what CUDA
 * needs, the console, the workspace's free disk and the base models found. Each line has a level; a
 * {@link Level#BLOCKER} (training cannot work) comes with its fix, and {@link #blocked()} decides the exit code.
 */
public record SystemReport(List<Item> items) {
    /** Free space below which a run's checkpoints and samples may not fit. */
    static final long BLOCKING_FREE_BYTES = 512L << 20;
    static final long LOW_FREE_BYTES = 5L << 30;

    public enum Level {
        OK("✓"), INFO("·"), WARNING("!"), BLOCKER("✗");

        private final String mark;

        Level(String mark) {
            this.mark = mark;
        }

        public String mark() {
            return mark;
        }
    }

    /** One line of the report; {@code details} are indented under it, {@code fix} says what to do. */
    public record Item(Level level, String title, String value, List<String> details, String fix) {
        public Item {
            details = List.copyOf(details);
        }

        static Item of(Level level, String title, String value) {
            return new Item(level, title, value, List.of(), "");
        }
    }

    /** Whether something blocks training. */
    public boolean blocked() {
        return items.stream().anyMatch(i -> i.level() == Level.BLOCKER);
    }

    /** The blocking lines. */
    public List<Item> blockers() {
        return items.stream().filter(i -> i.level() == Level.BLOCKER).toList();
    }

    /**
     * Gathers the report. Runs the numerical self-check (or reuses this process's result), so it must run on a
     * thread that may own native memory; {@code verbose} lists every self-check case.
     */
    public static SystemReport gather(Path workspace, boolean verbose) {
        List<Item> items = new ArrayList<>();
        items.add(Item.of(Level.OK, "LoRA Studio", Versions.studio() + " on Java " + Versions.java() + ", "
                + Versions.os()));
        CpuInfo cpu = CpuInfo.current();
        int gpus;
        try {
            NativeThreads.configureDefaults();
            Engine engine = Engine.getInstance();
            gpus = engine.getGpuCount();
            items.add(engine(engine));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            items.add(new Item(Level.BLOCKER, "Engine", "the PyTorch engine did not start: " + e.getMessage(),
                    List.of(), "Rebuild with `mvn package` (it bundles libtorch " + Versions.LIBTORCH + "); if"
                    + " PYTORCH_LIBRARY_PATH or PYTORCH_VERSION are set, unset them or point them at libtorch "
                    + Versions.LIBTORCH + "."));
            items.add(Item.of(Level.INFO, "CPU", cpu.describe()));
            return new SystemReport(List.copyOf(items));
        }
        items.add(new Item(Level.OK, "CPU", cpu.describe(), List.of("vector extensions: "
                + (cpu.vectorIsa().isEmpty() ? "none reported" : String.join(" ", cpu.vectorIsa())),
                "libtorch threads: " + NativeThreads.intraOp() + " (set LORASTUDIO_THREADS to change)"), ""));
        items.add(selfCheck(SelfCheck.forDevice(Device.cpu()), "CPU", verbose));
        for (int g = 0; g < gpus; g++) {
            items.add(selfCheck(SelfCheck.forDevice(Device.gpu(g)), "GPU " + g, verbose));
        }
        items.add(kernels());
        items.add(gpus(gpus));
        items.add(Item.of(Level.OK, "Console", "libtorch warnings: " + NativeLogging.quietWarnings()
                + "; NNPACK (an optional libtorch convolution library) is not needed by LoRA Studio"));
        items.add(workspace(workspace));
        items.add(models(workspace.toAbsolutePath().normalize().resolveSibling("models")));
        return new SystemReport(List.copyOf(items));
    }

    private static Item engine(Engine engine) {
        String path;
        try {
            path = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
        } catch (RuntimeException e) {
            path = "(unknown)";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        String flavour = lower.contains("-cu") || lower.contains("cuda") ? "CUDA build" : "CPU build";
        String from = System.getenv("PYTORCH_LIBRARY_PATH") != null ? "PYTORCH_LIBRARY_PATH"
                : "DJL's cache (extracted from the bundled pytorch-native-cpu jar or downloaded once)";
        String version = engine.getVersion();
        Level level = version.startsWith(Versions.LIBTORCH) ? Level.OK : Level.BLOCKER;
        return new Item(level, "Engine", "DJL " + Versions.DJL + ", libtorch " + version + " (" + flavour + ")",
                List.of("from " + from + ": " + path), level == Level.OK ? ""
                : "DJL " + Versions.DJL + " is built against libtorch " + Versions.LIBTORCH + "; point"
                + " PYTORCH_LIBRARY_PATH at a " + Versions.LIBTORCH + " lib/ folder or unset it.");
    }

    private static Item selfCheck(SelfCheck.Report r, String where, boolean verbose) {
        List<String> details = new ArrayList<>();
        for (SelfCheck.Case c : r.cases()) {
            if (verbose || !c.passed()) {
                details.add(String.format(Locale.ROOT, "%s %-26s %-48s worst: %-16s %.1e %5.1f ms%s", c.passed() ? "ok  "
                        : "FAIL", c.op(), c.shape(), c.worstPart(), c.error(), c.millis(), c.passed() ? "" : "  (allowed "
                        + c.tolerance() + ")"));
            }
        }
        if (r.skipped()) {
            return new Item(Level.WARNING, "Numerical self-check (" + where + ")", r.summary(), details,
                    "Unset " + SelfCheck.SKIP_ENV + " so that training refuses a CPU whose math is wrong.");
        }
        if (!r.passed()) {
            return new Item(Level.BLOCKER, "Numerical self-check (" + where + ")", r.summary(), details,
                    ("1".equals(System.getenv("LORASTUDIO_UNSAFE_KERNELS"))
                            ? "Unset LORASTUDIO_UNSAFE_KERNELS (it turns the kernel workarounds off); "
                            : "The math library gives wrong results on this CPU; ")
                    + "update LoRA Studio or train on another machine (training refuses to start here).");
        }
        return new Item(Level.OK, "Numerical self-check (" + where + ")", r.summary(), details, "");
    }

    /** Which TorchScript kernels run (org.lorastudio.nn.kernels) and which fall back to plain DJL ops. */
    private static Item kernels() {
        List<String> lines = Kernels.status();
        long fallback = lines.stream().filter(l -> l.contains(": plain DJL ops")).count();
        long total = Kernels.Kernel.values().length;
        if (!Kernels.enabled()) {
            return new Item(Level.INFO, "Kernels", "off (" + Kernels.SWITCH + "=off): plain DJL ops", lines, "");
        }
        if (fallback > 0) {
            return new Item(Level.WARNING, "Kernels", (total - fallback) + " of " + total
                    + " TorchScript kernels active; the rest run as plain DJL ops (slower, same results)", lines,
                    "Training and generation still work. The reason is in the details; if the kernel archive is"
                    + " damaged, delete it and it is rewritten on the next start.");
        }
        return new Item(Level.OK, "Kernels", total + " of " + total + " TorchScript kernels active", lines, "");
    }

    private static Item gpus(int gpus) {
        if (gpus > 0) {
            List<String> names = new ArrayList<>();
            for (int g = 0; g < gpus; g++) {
                names.add("cuda:" + g);
            }
            return Item.of(Level.OK, "GPU", gpus + " seen by the engine (" + String.join(", ", names)
                    + "); device: auto trains on cuda:0");
        }
        List<String> steps = List.of(
                "to train on an NVIDIA GPU, libtorch " + Versions.LIBTORCH + " with CUDA is needed (README,"
                        + " \"Running on an NVIDIA GPU\"):",
                "1. online, once: LORASTUDIO_JAVA_OPTS=\"-Dai.djl.offline=false\" PYTORCH_FLAVOR=cu128"
                        + " ./lorastudio  (DJL downloads it into ~/.djl.ai/pytorch/)",
                "2. or an existing one: PYTORCH_LIBRARY_PATH=<torch " + Versions.LIBTORCH + " CUDA lib/ folder>"
                        + " PYTORCH_FLAVOR=cu128 PYTORCH_VERSION=" + Versions.LIBTORCH);
        boolean driver = Files.exists(Path.of("/proc/driver/nvidia/version"));
        return new Item(driver ? Level.WARNING : Level.INFO, "GPU", driver
                ? "an NVIDIA driver is installed, but the engine sees no GPU (the CPU build of libtorch is in use)"
                : "none (no NVIDIA driver found; training runs on the CPU)", steps, "");
    }

    private static Item workspace(Path workspace) {
        Path abs = workspace.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            return new Item(Level.WARNING, "Workspace", abs + " does not exist yet", List.of(),
                    "It is created on first use; pass --workspace DIR to check another one.");
        }
        if (!Files.isWritable(abs)) {
            return new Item(Level.BLOCKER, "Workspace", abs + " is not writable", List.of(),
                    "Give yourself write permission on it, or open another workspace.");
        }
        try {
            long free = Files.getFileStore(abs).getUsableSpace();
            String value = abs + ", " + human(free) + " free";
            if (free < BLOCKING_FREE_BYTES) {
                return new Item(Level.BLOCKER, "Workspace", value, List.of(),
                        "Free some disk space: a run writes checkpoints, LoRA files and samples (hundreds of MB for"
                        + " SD 1.5); the checkpoints/ folders of finished runs can go.");
            }
            return Item.of(free < LOW_FREE_BYTES ? Level.WARNING : Level.OK, "Workspace", value);
        } catch (IOException e) {
            return Item.of(Level.WARNING, "Workspace", abs + " (free space unknown: " + e.getMessage() + ")");
        }
    }

    private static Item models(Path models) {
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(models)) {
            try (Stream<Path> s = Files.list(models)) {
                s.sorted().forEach(p -> kind(p).ifPresent(k -> found.add(models.relativize(p) + " — " + k)));
            } catch (IOException e) {
                // reported as none found below
            }
        }
        if (found.isEmpty()) {
            return new Item(Level.WARNING, "Base models", "none in " + models, List.of(),
                    "Put an SD 1.5 .safetensors file or a diffusers folder (or a LLaMA folder) there; see"
                    + " models/README.md.");
        }
        return new Item(Level.OK, "Base models", found.size() + " in " + models, found, "");
    }

    private static java.util.Optional<String> kind(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isRegularFile(p) && name.endsWith(".safetensors")) {
            return java.util.Optional.of("single-file checkpoint");
        }
        if (Files.isRegularFile(p) && (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".bin"))) {
            return java.util.Optional.of("pickle file, refused (convert it to .safetensors)");
        }
        if (Files.isDirectory(p) && Files.exists(p.resolve("model_index.json"))) {
            return java.util.Optional.of("diffusers folder (Stable Diffusion)");
        }
        if (Files.isDirectory(p) && Files.exists(p.resolve("config.json"))) {
            return java.util.Optional.of("language model folder");
        }
        return java.util.Optional.empty();
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }

    /** The report as text, like {@code flutter doctor}: a mark per line, details indented, the problems at the end. */
    public String render() {
        StringBuilder b = new StringBuilder("LoRA Studio system check\n\n");
        for (Item i : items) {
            b.append('[').append(i.level().mark()).append("] ").append(i.title()).append(": ").append(i.value())
                    .append('\n');
            for (String d : i.details()) {
                b.append("    ").append(d).append('\n');
            }
            if (!i.fix().isEmpty()) {
                b.append("    → ").append(i.fix()).append('\n');
            }
        }
        List<Item> blockers = blockers();
        b.append('\n');
        if (blockers.isEmpty()) {
            long warnings = items.stream().filter(i -> i.level() == Level.WARNING).count();
            b.append(warnings == 0 ? "No problems found: training can start.\n"
                    : "Training can start (" + warnings + (warnings == 1 ? " warning" : " warnings") + " above).\n");
        } else {
            b.append(blockers.size()).append(blockers.size() == 1 ? " problem blocks" : " problems block")
                    .append(" training:\n");
            for (Item i : blockers) {
                b.append("  ✗ ").append(i.title()).append(": ").append(i.value()).append(" — ").append(i.fix())
                        .append('\n');
            }
        }
        return b.toString();
    }
}
