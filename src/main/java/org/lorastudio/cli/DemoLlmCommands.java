package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import ai.djl.ndarray.NDManager;
import org.lorastudio.demo.DemoLlmFormat;
import org.lorastudio.train.pretrain.DemoLlmPretraining;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The language-model demo's subcommands of {@code demo}: {@code pretrain-llm} and {@code measure-llm}. */
final class DemoLlmCommands {
    private DemoLlmCommands() {
    }

    /** {@code demo pretrain-llm --out DIR [--seed N] [--steps N] [--documents N] [--work DIR]}. */
    @Command(name = "pretrain-llm", mixinStandardHelpOptions = true,
            description = {"Pretrain the tiny language-model demo (models/demo-llm) from scratch on a generated"
                    + " corpus of plain-English sentences: unit conversions, small sums, simple facts, and"
                    + " instructions answered in one sentence.",
                    "One ordinary training run (a run folder under --work/runs); the model is written to --out."})
    static final class PretrainLlm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the model folder goes")
        Path out;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
                description = "seed of the corpus, the initial weights and training (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--steps", paramLabel = "N", description = "optimizer steps (default: "
                + "5000)")
        Integer steps;

        @Option(names = "--documents", paramLabel = "N", description = "documents in the corpus (default: 20000)")
        Integer documents;

        @Option(names = "--work", paramLabel = "DIR", defaultValue = "workspace/pretrain-llm",
                description = "corpus, random start and run folder (default: ${DEFAULT-VALUE})")
        Path work;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            DemoLlmPretraining.Plan plan = DemoLlmPretraining.Plan.defaults().withSeed(seed);
            if (steps != null) {
                plan = plan.withSteps(steps);
            }
            if (documents != null) {
                plan = plan.withDocuments(documents);
            }
            ConsoleProgress progress = new ConsoleProgress(out, System.console() != null);
            DemoLlmPretraining.Result r = DemoLlmPretraining.run(plan, this.out, work, progress);
            out.println("Run:   " + r.run());
            out.println(r.model());
            return 0;
        }
    }

    /** {@code demo measure-llm --model DIR --adapter DIR [--prompts N] [--seed N] [--examples N]}. */
    @Command(name = "measure-llm", mixinStandardHelpOptions = true,
            description = {"Measure whether the demo LoRA teaches its answer form: held-out conversion prompts"
                    + " (quantities 21..50; the data set has 1..20) answered greedily by the base and by base +"
                    + " adapter, each checked for the exact form 'Answer: 23 meters = 2300 centimeters.'."})
    static final class MeasureLlm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", required = true, paramLabel = "DIR", description = "base model folder")
        Path model;

        @Option(names = "--adapter", required = true, paramLabel = "DIR", description = "PEFT adapter folder")
        Path adapter;

        @Option(names = "--prompts", paramLabel = "N", defaultValue = "40",
                description = "held-out prompts (default: ${DEFAULT-VALUE})")
        int prompts;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "7",
                description = "seed of the prompt draw (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--examples", paramLabel = "N", defaultValue = "3",
                description = "answers to print side by side (default: ${DEFAULT-VALUE})")
        int examples;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<DemoLlmFormat.Prompt> list;
            try {
                list = DemoLlmFormat.heldOut(seed, prompts);
            } catch (IllegalArgumentException e) {
                throw new UserException("--prompts: " + e.getMessage());
            }
            DemoLlmFormat.Report r;
            try (NDManager manager = NDManager.newBaseManager()) {
                r = DemoLlmFormat.measure(model, adapter, list, manager);
            }
            for (int i = 0; i < Math.min(examples, list.size()); i++) {
                out.println("prompt:  " + list.get(i).instruction());
                out.println("base:    " + r.base().get(i).text());
                out.println("adapted: " + r.adapted().get(i).text());
                out.println();
            }
            out.printf(Locale.ROOT, "%d held-out prompts, greedy%n", list.size());
            out.printf(Locale.ROOT, "exact format  base %5.1f %%   adapted %5.1f %%%n", 100 * r.baseFormatRate(),
                    100 * r.adaptedFormatRate());
            out.printf(Locale.ROOT, "exact answer  base %5.1f %%   adapted %5.1f %%%n", 100 * r.baseCorrectRate(),
                    100 * r.adaptedCorrectRate());
            return 0;
        }
    }
}
