package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmCorpus;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Pretrains the language-model demo ({@code models/demo-llm}, issue 14) from scratch: writes the corpus
 * ({@link DemoLlmCorpus}) and the demo architecture with seeded N(0, 0.02²) weights
 * ({@link DemoLlmGenerator#writeModel(Path, long, double)}), trains every parameter in one ordinary {@link Trainer}
 * run ({@link LlmPretrainingTask}; run folder, run.json, metrics.jsonl and checkpoints under {@code <work>/runs}),
 * and copies the trained model folder to {@code out}.
 */
public final class DemoLlmPretraining {
    /** Std of the initial weights (transformers' {@code initializer_range}). */
    static final double INIT_STD = 0.02;

    /** What to pretrain with; {@link #defaults()} is the committed model's recipe. */
    public record Plan(long seed, int documents, int steps, int batch, double lr, int sampleEvery) {
        public Plan {
            if (documents < 1 || steps < 1 || batch < 1) {
                throw new UserException("documents, steps and the batch size must be >= 1");
            }
        }

        public static Plan defaults() {
            return new Plan(1, 20000, 5000, 16, 3e-3, 1000);
        }

        public Plan withSeed(long s) {
            return new Plan(s, documents, steps, batch, lr, sampleEvery);
        }

        public Plan withSteps(int n) {
            return new Plan(seed, documents, n, batch, lr, sampleEvery);
        }

        public Plan withDocuments(int n) {
            return new Plan(seed, n, steps, batch, lr, sampleEvery);
        }
    }

    /** The run and the written model. */
    public record Result(Path model, Path run) {
    }

    private DemoLlmPretraining() {
    }

    /** Runs the pretraining; {@code work} keeps the corpus, the random start and the run folder. */
    public static Result run(Plan plan, Path out, Path work, Consumer<TrainingEvent> listener) throws IOException {
        Files.createDirectories(work);
        Path corpus = work.resolve("corpus.jsonl");
        DemoLlmCorpus.write(corpus, DemoLlmCorpus.documents(plan.seed(), plan.documents()));
        Path init = work.resolve("init");
        DemoLlmGenerator.writeModel(init, plan.seed(), INIT_STD);
        Path yaml = work.resolve("pretrain-llm.yaml");
        AtomicFiles.writeString(yaml, yaml(plan));
        TrainingConfig config = TrainingConfig.fromYaml(yaml);
        Trainer trainer = Trainer.start(config, work, Optional.empty());
        trainer.addListener(listener);
        RunStatus status = trainer.run(LlmPretrainingTask::new);
        if (status != RunStatus.COMPLETED) {
            throw new UserException(config.name() + " ended " + status.name().toLowerCase(Locale.ROOT) + "; see "
                    + trainer.runFolder().dir());
        }
        Path run = trainer.runFolder().dir();
        Files.createDirectories(out);
        DemoBaseModel.copy(run.resolve(config.semanticName()), out);
        return new Result(out, run);
    }

    /** The run's training config (paths relative to {@code work}); cosine decay after a short warm-up. */
    static String yaml(Plan plan) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by `lorastudio demo pretrain-llm` (DemoLlmPretraining).\n");
        y.append("name: demo-pretrain-llm\n");
        y.append("model_type: llm\n");
        y.append("base_model: init\n");
        y.append("train_data_dir: corpus.jsonl\n");
        y.append("output_dir: runs\n");
        y.append("seed: ").append(plan.seed()).append('\n');
        y.append("batch_size: ").append(plan.batch()).append('\n');
        y.append("max_train_steps: ").append(plan.steps()).append('\n');
        y.append("learning_rate: ").append(String.format(Locale.ROOT, "%g", plan.lr())).append('\n');
        y.append("lr_scheduler: cosine\n");
        y.append("lr_warmup_steps: ").append(Math.min(100, plan.steps() / 10)).append('\n');
        y.append("weight_decay: 0.0\n");
        y.append("max_grad_norm: 1.0\n");
        y.append("max_seq_length: 320\n");
        y.append("save_steps: ").append(Math.max(1, plan.steps() / 4)).append('\n');
        y.append("save_last_n: 1\n");
        // the corpus is plain text; the template only shapes the samples' prompts (the demo LoRA's template)
        y.append("prompt_template: plain\n");
        if (plan.sampleEvery() > 0) {
            y.append("sample_every_n_steps: ").append(plan.sampleEvery()).append('\n');
            y.append("sample_prompts:\n");
            y.append("  - \"Convert 5 meters to centimeters.\"\n");
            y.append("  - \"What is 3 plus 4?\"\n");
        }
        return y.toString();
    }
}
