package org.lorastudio.reliability.kill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.lorastudio.config.SavePrecision;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.testing.ChildJvm;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Checkpoint;

/**
 * A tiny SD training (the sd-tiny-a fixture, four 64-pixel images, 6 steps over 3 epochs, a checkpoint and step LoRA
 * every 2 steps, a sample every 3) written as a real config file, and the {@code train} command run on it in child
 * JVMs that the kill tests can SIGKILL: from the outside at a random moment, or from the inside at a named
 * {@link org.lorastudio.util.FaultPoints fault point}.
 */
final class TrainingSessions {
    static final int TOTAL_STEPS = 6;
    static final int SAVE_STEPS = 2;
    static final int SAMPLE_EVERY = 3;
    static final long SESSION_TIMEOUT_SECONDS = 300;

    private final Path root;
    private final Path config;
    private int sessions;

    private TrainingSessions(Path root, Path config) {
        this.root = root;
        this.config = config;
    }

    /** Writes the data set and the config under {@code root}. */
    static TrainingSessions create(Path root) throws IOException {
        Path data = root.resolve("data");
        DemoDatasetGenerator.generate(data, 7, 4, 64);
        TrainingConfig c = TrainingConfig.minimal("kill", Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2)
                .with("max_train_steps", TOTAL_STEPS).with("learning_rate", 1e-3).with("save_steps", SAVE_STEPS)
                .with("save_precision", SavePrecision.FP32).with("sample_every_n_steps", SAMPLE_EVERY)
                .with("sample_prompts", List.of("a red square")).with("sample_steps", 2).with("seed", 11);
        Path file = root.resolve("kill.yaml");
        c.save(file);
        Files.createDirectories(root.resolve("logs"));
        return new TrainingSessions(root, file);
    }

    static TraceModel model() {
        return new TraceModel(TOTAL_STEPS, SAVE_STEPS, SAMPLE_EVERY);
    }

    Path root() {
        return root;
    }

    Path config() {
        return config;
    }

    /** {@code train --config} into {@code workspace}, or {@code train --resume run} when {@code run} is given. */
    ChildJvm child(Path workspace, Optional<Path> run, Optional<String> faults) {
        // one native thread: the reference and the killed runs compute alike, and a busy machine is not oversubscribed
        ChildJvm jvm = ChildJvm.cli().workingDirectory(root).env("OMP_NUM_THREADS", "1").env("MKL_NUM_THREADS", "1")
                .output(root.resolve("logs").resolve("session-" + (++sessions) + ".log"));
        faults.ifPresent(f -> jvm.systemProperty("lorastudio.faults", f));
        return run.isPresent() ? jvm.args("train", "--resume", run.get().toString())
                : jvm.args("train", "--config", config.toString(), "--workspace", workspace.toString());
    }

    /** The one run folder in {@code workspace/runs}, if it was created. */
    static Optional<Path> runIn(Path workspace) throws IOException {
        Path runs = workspace.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            if (dirs.size() > 1) {
                throw new AssertionError("more than one run folder in " + runs + ": " + dirs);
            }
            return dirs.stream().findFirst();
        }
    }

    /** The step of the newest complete checkpoint (what a resume starts from), 0 when there is none. */
    static int latestCheckpoint(Path run) throws IOException {
        Optional<Path> latest = Checkpoint.latest(run.resolve("checkpoints"));
        return latest.isEmpty() ? 0 : Checkpoint.readState(latest.get()).step();
    }
}
