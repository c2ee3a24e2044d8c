package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import ai.djl.ndarray.NDManager;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoScenes;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Pretrains the demo base model from scratch (issue 14): draws the scene data set ({@link DemoScenes}), writes the
 * demo architecture with seeded random weights, trains the VAE ({@link VaePretrainingTask}) and then the UNet and
 * text encoder on its latents ({@link UnetPretrainingTask}) — two ordinary {@link Trainer} runs, each with its run
 * folder, run.json, metrics.jsonl and checkpoints under {@code <work>/runs} — and copies the result to {@code out}.
 */
public final class DemoPretraining {

    /** What to pretrain with; {@link #defaults()} is the committed model's recipe. */
    public record Plan(long seed, int images, double pairShare, int vaeSteps, int vaeBatch, double vaeLr,
                       int unetSteps, int unetBatch, double unetLr, double minSnrGamma, int sampleEvery) {
        public Plan {
            if (images < 1 || vaeSteps < 1 || unetSteps < 1 || vaeBatch < 1 || unetBatch < 1) {
                throw new UserException("images, steps and batch sizes must be >= 1");
            }
            if (!(minSnrGamma >= 0)) {
                throw new UserException("min-SNR gamma must be >= 0 (0 = off), found " + minSnrGamma);
            }
            if (!(pairShare >= 0 && pairShare <= 1)) {
                throw new UserException("the share of two-object scenes must be 0..1, found " + pairShare);
            }
        }

        public static Plan defaults() {
            return new Plan(1, 4480, 0.25, 3000, 8, 1e-3, 5000, 64, 1e-3, 5.0, 1000);
        }

        public Plan withSeed(long s) {
            return new Plan(s, images, pairShare, vaeSteps, vaeBatch, vaeLr, unetSteps, unetBatch, unetLr, minSnrGamma, sampleEvery);
        }

        public Plan withSteps(int vae, int unet) {
            return new Plan(seed, images, pairShare, vae, vaeBatch, vaeLr, unet, unetBatch, unetLr, minSnrGamma, sampleEvery);
        }

        public Plan withImages(int n) {
            return new Plan(seed, n, pairShare, vaeSteps, vaeBatch, vaeLr, unetSteps, unetBatch, unetLr, minSnrGamma, sampleEvery);
        }
    }

    /** The two runs and the written model. */
    public record Result(Path model, Path vaeRun, Path unetRun) {
    }

    private DemoPretraining() {
    }

    /** Runs both phases; {@code work} keeps the data, the random start and the run folders. */
    public static Result run(Plan plan, Path out, Path work, Consumer<TrainingEvent> listener) throws IOException {
        return run(plan, out, work, Optional.empty(), listener);
    }

    /**
     * Like {@link #run(Plan, Path, Path, Consumer)}; with {@code vaeModel} phase 1 is skipped and phase 2 starts from
     * that model folder (the saved result of an earlier phase 1 with the same plan).
     */
    public static Result run(Plan plan, Path out, Path work, Optional<Path> vaeModel, Consumer<TrainingEvent> listener)
            throws IOException {
        Files.createDirectories(work);
        Path data = work.resolve("data");
        List<DemoScenes.Scene> scenes = DemoScenes.scenes(plan.seed(), plan.images(), 64, plan.pairShare());
        if (!Files.isDirectory(data)) {
            DemoScenes.write(data, scenes, 64);
        } else {
            requireSameScenes(data, scenes);
        }
        Path vaeRun = null;
        Path phase1;
        if (vaeModel.isPresent()) {
            Path saved = vaeModel.get().toAbsolutePath();
            if (!Files.isRegularFile(saved.resolve(DemoBaseModel.VAE_WEIGHTS))) {
                throw new UserException(saved + " is not a saved phase-1 model folder (no "
                        + DemoBaseModel.VAE_WEIGHTS + ")");
            }
            // its VAE (and measured scaling factor) with a fresh seeded UNet and text encoder of the current
            // architecture, so that a changed UNet config can be trained on an earlier VAE
            phase1 = work.resolve("init-unet").toAbsolutePath();
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                DemoBaseModel.writeRandom(phase1, plan.seed(), m);
            }
            Files.copy(saved.resolve(DemoBaseModel.VAE_WEIGHTS), phase1.resolve(DemoBaseModel.VAE_WEIGHTS),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(saved.resolve("vae/config.json"), phase1.resolve("vae/config.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            Path init = work.resolve("init");
            try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                DemoBaseModel.writeRandom(init, plan.seed(), m);
            }
            Path vaeYaml = work.resolve("pretrain-vae.yaml");
            AtomicFiles.writeString(vaeYaml, yaml("demo-pretrain-vae", "init", plan.seed(), plan.vaeSteps(),
                    plan.vaeBatch(), plan.vaeLr(), 0, 0));
            vaeRun = phase(TrainingConfig.fromYaml(vaeYaml), work, listener, VaePretrainingTask::new);
            phase1 = vaeRun.resolve(TrainingConfig.fromYaml(vaeYaml).semanticName());
        }
        Path unetYaml = work.resolve("pretrain-unet.yaml");
        AtomicFiles.writeString(unetYaml, yaml("demo-pretrain-unet", work.toAbsolutePath().relativize(phase1).toString(),
                plan.seed(), plan.unetSteps(), plan.unetBatch(), plan.unetLr(), 0.1, plan.minSnrGamma(),
                plan.sampleEvery()));
        TrainingConfig unetConfig = TrainingConfig.fromYaml(unetYaml);
        Path unetRun = phase(unetConfig, work, listener, UnetPretrainingTask::new);
        Files.createDirectories(out);
        DemoBaseModel.copy(unetRun.resolve(unetConfig.semanticName()), out);
        DemoBaseModel.toHalf(out.resolve(DemoBaseModel.UNET_WEIGHTS)); // 8 MB instead of 17: the 20 MB budget
        return new Result(out, vaeRun, unetRun);
    }

    /** A data folder left by an earlier run is used only when it holds exactly these scenes' captions. */
    private static void requireSameScenes(Path data, List<DemoScenes.Scene> scenes) throws IOException {
        long captions;
        try (java.util.stream.Stream<Path> files = Files.list(data)) {
            captions = files.filter(f -> f.getFileName().toString().endsWith(".txt")).count();
        }
        boolean same = captions == scenes.size();
        for (int i = 0; same && i < scenes.size(); i++) {
            Path txt = data.resolve(DemoScenes.fileStem(i) + ".txt");
            same = Files.isRegularFile(txt) && Files.readString(txt).equals(scenes.get(i).caption());
        }
        if (!same) {
            throw new UserException(data + " holds scenes of another seed or count; delete it or choose another"
                    + " --work folder");
        }
    }

    private static Path phase(TrainingConfig config, Path work, Consumer<TrainingEvent> listener,
                              Function<TrainingConfig, TrainingTask> task) throws IOException {
        Trainer trainer = Trainer.start(config, work, Optional.empty());
        trainer.addListener(listener);
        RunStatus status = trainer.run(task);
        if (status != RunStatus.COMPLETED) {
            throw new UserException(config.name() + " ended " + status.name().toLowerCase(Locale.ROOT) + "; see "
                    + trainer.runFolder().dir());
        }
        return trainer.runFolder().dir();
    }

    /** A phase's training config (paths relative to {@code work}); cosine decay after a short warm-up. */
    static String yaml(String name, String base, long seed, int steps, int batch, double lr, double captionDropout,
                       int sampleEvery) {
        return yaml(name, base, seed, steps, batch, lr, captionDropout, 0, sampleEvery);
    }

    /** Like the above; {@code minSnrGamma} > 0 weights the loss by min-SNR-γ. */
    static String yaml(String name, String base, long seed, int steps, int batch, double lr, double captionDropout,
                       double minSnrGamma, int sampleEvery) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by `lorastudio demo pretrain` (DemoPretraining).\n");
        y.append("name: ").append(name).append('\n');
        y.append("base_model: ").append(base).append('\n');
        y.append("train_data_dir: data\n");
        y.append("output_dir: runs\n");
        y.append("resolution: 64\n");
        y.append("seed: ").append(seed).append('\n');
        y.append("batch_size: ").append(batch).append('\n');
        y.append("max_train_steps: ").append(steps).append('\n');
        y.append("learning_rate: ").append(String.format(Locale.ROOT, "%g", lr)).append('\n');
        y.append("lr_scheduler: cosine\n");
        y.append("lr_warmup_steps: ").append(Math.min(100, steps / 10)).append('\n');
        y.append("weight_decay: 0.0\n");
        y.append("max_grad_norm: 1.0\n");
        y.append("caption_dropout_rate: ").append(captionDropout).append('\n');
        if (minSnrGamma > 0) {
            y.append("min_snr_gamma: ").append(String.format(Locale.ROOT, "%g", minSnrGamma)).append('\n');
        }
        y.append("save_steps: ").append(Math.max(1, steps / 4)).append('\n');
        y.append("save_last_n: 1\n");
        if (sampleEvery > 0) {
            y.append("sample_every_n_steps: ").append(sampleEvery).append('\n');
            y.append("sample_prompts:\n");
            for (String p : List.of("a red square on a blue background", "an orange star on a white background",
                    "a green circle on a black background")) {
                y.append("  - \"").append(p).append("\"\n");
            }
            y.append("sample_steps: 20\n");
            y.append("sample_guidance: 7.5\n");
        }
        return y.toString();
    }
}
