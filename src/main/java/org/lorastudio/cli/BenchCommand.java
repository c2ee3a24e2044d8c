package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.bench.BenchSuite;
import org.lorastudio.bench.DataLoadBench;
import org.lorastudio.bench.DriftBench;
import org.lorastudio.bench.GenerationBench;
import org.lorastudio.bench.TrainStepBench;
import org.lorastudio.bench.UNetCase;
import org.lorastudio.runtime.NativeThreads;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench}: speed and memory benchmarks (org.lorastudio.bench), one JSON line per case. See
 * docs/performance.md for the figures and the exact commands that reproduce them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmark training steps, generation, data loading and memory drift; one JSON line per case.",
                "`bench --suite` runs every cheap case (sd-tiny-a); see docs/performance.md."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", description = "run all cheap cases (tiny UNet, generation, data loading, drift)")
    boolean suite;

    @Option(names = "--case", defaultValue = "train", description = "train, generate, data or drift (default: train)")
    String benchCase;

    @Option(names = "--drift", description = "same as --case drift")
    boolean drift;

    @Option(names = "--unet", defaultValue = "sd15", description = "sd15 or tiny (the sd-tiny-a / demo UNet)")
    String unet;

    @Option(names = "--unet-config", paramLabel = "FILE", description = "diffusers unet/config.json (overrides --unet)")
    Path unetConfig;

    @Option(names = "--batch", defaultValue = "1")
    int batch;

    @Option(names = "--latent", defaultValue = "64", description = "latent side (64 = 512 px)")
    int latent;

    @Option(names = "--rank", defaultValue = "8")
    int rank;

    @Option(names = "--targets", defaultValue = "attentions", split = ",")
    List<String> targets;

    @Option(names = "--precision", defaultValue = "fp32",
            description = "fp32, or fp16 (fp16 base weights; training keeps the LoRA in fp32)")
    String precision;

    @Option(names = "--gradient-checkpointing", arity = "0..1", fallbackValue = "blocks", defaultValue = "none",
            description = "none, blocks or layers (the flag alone = blocks)")
    String checkpointing;

    @Option(names = "--attention-chunk", defaultValue = "0", description = "attention query chunk (0 = off)")
    int chunk;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: the cores, or LORASTUDIO_THREADS)")
    Integer threads;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed steps first (drift: unsampled steps)")
    int warmup;

    @Option(names = "--steps", defaultValue = "3", description = "timed steps (the suite: tiny-case steps, default 50)")
    int steps;

    @Option(names = "--ops", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "count native ops in one extra profiled step (default on)")
    boolean ops;

    @Option(names = "--drift-steps", defaultValue = "5000")
    int driftSteps;

    @Option(names = "--drift-every", defaultValue = "500")
    int driftEvery;

    @Option(names = "--dataset", defaultValue = "workspace/datasets/demo")
    Path dataset;

    @Option(names = "--vae", defaultValue = "models/demo/vae")
    Path vae;

    @Option(names = "--resolution", defaultValue = "64")
    int resolution;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper json = new ObjectMapper();
        Consumer<Map<String, Object>> print = row -> {
            try {
                out.println(json.writeValueAsString(row));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            out.flush();
        };
        NativeThreads.configureDefaults();
        if (threads != null) {
            NativeThreads.setIntraOp(threads);
        }
        if (suite) {
            BenchSuite.run(spec.commandLine().getParseResult().hasMatchedOption("--steps") ? steps : 50,
                    driftSteps, print);
            return 0;
        }
        String kind = drift ? "drift" : benchCase.toLowerCase(Locale.ROOT);
        switch (kind) {
            case "train" -> print.accept(TrainStepBench.run(unetCase(), ops));
            case "generate" -> print.accept(GenerationBench.run(unetCase(), ops));
            case "data" -> print.accept(DataLoadBench.run(dataset, vae, resolution, Math.max(1, steps)));
            case "drift" -> {
                UNetCase c = unetConfig == null && "sd15".equals(unet) ? BenchSuite.tinyTrain(warmup, 1) : unetCase();
                print.accept(DriftBench.run(c, driftSteps, driftEvery, print));
            }
            default -> throw new UserException("bench --case " + benchCase + ": expected train, generate, data or"
                    + " drift");
        }
        return 0;
    }

    private UNetCase unetCase() {
        Path config;
        String name;
        if (unetConfig != null) {
            config = unetConfig;
            name = unetConfig.toString();
        } else if ("tiny".equals(unet) || "sd-tiny-a".equals(unet)) {
            config = UNetCase.DEMO_UNET;
            name = "sd-tiny-a";
        } else if ("sd15".equals(unet)) {
            config = null;
            name = "sd15";
        } else {
            throw new UserException("bench --unet " + unet + ": expected sd15 or tiny (or give --unet-config FILE)");
        }
        return new UNetCase(name, config, batch, latent, rank, targets, parse(UNetCase.Precision.class, precision,
                "--precision"), parse(UNetCase.Checkpointing.class, checkpointing, "--gradient-checkpointing"), chunk,
                warmup, steps);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String option) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserException("bench " + option + " " + value + ": expected one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }
}
