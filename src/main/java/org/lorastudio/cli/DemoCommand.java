package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.lorastudio.train.pretrain.DemoPretraining;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo pretrain} / {@code pretrain-llm} (the demo's own base models) and {@code demo measure} /
 * {@code measure-llm} (what a model draws or writes).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The shipped demo: make its base models, and measure what a model draws or writes.",
        subcommands = {DemoCommand.Pretrain.class, DemoMeasureCommand.class, DemoLlmCommands.PretrainLlm.class,
                DemoLlmCommands.MeasureLlm.class})
final class DemoCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code demo pretrain --out DIR [--seed N] [--steps VAE,UNET] [--images N] [--work DIR]}. */
    @Command(name = "pretrain", mixinStandardHelpOptions = true,
            description = {"Pretrain the tiny demo base model (models/demo) from scratch on drawn scenes of the demo's"
                    + " colours and shapes: the VAE first, then the UNet and text encoder on its latents.",
                    "Two ordinary training runs (run folders under --work/runs); the model is written to --out."})
    static final class Pretrain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the diffusers folder goes")
        Path out;

        @Option(names = "--seed", paramLabel = "N", description = "seed of the data, the initial weights and"
                + " training (default: ${DEFAULT-VALUE})", defaultValue = "1")
        long seed;

        @Option(names = "--steps", paramLabel = "VAE,UNET", description = "optimizer steps of the VAE phase and of"
                + " the UNet phase (default: 1200,4000)")
        String steps;

        @Option(names = "--images", paramLabel = "N", description = "number of drawn scenes (default: 4480)")
        Integer images;

        @Option(names = "--work", paramLabel = "DIR", defaultValue = "workspace/pretrain",
                description = "data, random start and run folders (default: ${DEFAULT-VALUE})")
        Path work;

        @Option(names = "--vae-model", paramLabel = "DIR", description = "skip the VAE phase: train the UNet on"
                + " this saved phase-1 model folder (a <work>/runs/...-vae/demo-pretrain-vae_... folder)")
        Path vaeModel;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            DemoPretraining.Plan plan = DemoPretraining.Plan.defaults().withSeed(seed);
            if (steps != null) {
                String[] parts = steps.split(",");
                try {
                    if (parts.length != 2) {
                        throw new NumberFormatException();
                    }
                    plan = plan.withSteps(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
                } catch (NumberFormatException e) {
                    throw new UserException("--steps must be two numbers VAE,UNET (e.g. 1200,4000), found " + steps);
                }
            }
            if (images != null) {
                plan = plan.withImages(images);
            }
            ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
            DemoPretraining.Result r = DemoPretraining.run(plan, this.out, work,
                    java.util.Optional.ofNullable(vaeModel), progress);
            out.println("VAE run:  " + (r.vaeRun() == null ? "skipped (--vae-model)" : r.vaeRun()));
            out.println("UNet run: " + r.unetRun());
            out.println(r.model());
            return 0;
        }
    }
}
