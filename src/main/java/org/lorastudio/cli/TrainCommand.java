package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.util.UserException;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code train --config FILE [--set k=v ...]} or {@code train --resume RUN_DIR}. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a LoRA from a config (or resume a run) with a console progress bar.",
                "The run folder is printed as the last line. Ctrl+C stops after the current step with a checkpoint."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "training config (YAML)")
        Path config;

        @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue a run from its last checkpoint")
        Path resume;
    }

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config value (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--workspace", paramLabel = "DIR", defaultValue = "workspace",
            description = "workspace folder; runs go to DIR/runs unless output_dir is set (default: ${DEFAULT-VALUE})")
    Path workspace;

    @Option(names = "--parent", paramLabel = "RUN_ID", description = "record this run as a fork of another")
    String parent;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Trainer trainer;
        if (source.resume != null) {
            if (!overrides.isEmpty()) {
                throw new UserException("--set cannot change a run being resumed; fork it instead (runs fork)");
            }
            trainer = Trainer.resume(source.resume);
        } else {
            TrainingConfig config = TrainingConfig.fromYaml(source.config, overrides);
            trainer = Trainer.start(config, workspace, Optional.ofNullable(parent));
        }
        ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
        trainer.addListener(progress);
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        // Ctrl+C / SIGTERM: ask for a stop, then hold the JVM until the step and its checkpoint are written.
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                done.await(10, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "train-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunStatus status;
        try {
            status = trainer.run();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting because of Ctrl+C: the trainer has saved a checkpoint
            }
        }
        out.println(trainer.runFolder().dir());
        out.flush();
        if (status == RunStatus.FAILED) {
            TrainingEvent.Failed f = progress.failure();
            spec.commandLine().getErr().println("error: " + (f == null ? "training failed" : f.reason()));
            if (f != null) {
                spec.commandLine().getErr().println("hint: " + f.advice());
            }
            return 1;
        }
        return 0;
    }
}
