package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.lorastudio.config.ConfigFiles;
import org.lorastudio.config.MixedPrecision;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.FileErrors;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.ModelIdentity;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.RunStatus;
import org.lorastudio.runtime.Devices;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.tensorboard.EventFileWriter;
import org.lorastudio.util.FaultPoints;
import org.lorastudio.util.ProcessMemory;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one training run on the calling thread, which then owns every native resource of the run (STYLE 7): the
 * run folder and its provenance, the model (through a {@link TrainingTask}), the optimizer steps with gradient
 * accumulation and global-norm clipping, the LR schedule, metrics and TensorBoard logs, samples, LoRA files per
 * {@code save_steps}, resumable checkpoints, and typed {@link TrainingEvent}s for listeners.
 *
 * <p>A stop request finishes the current step, saves a checkpoint and marks the run {@code stopped}; a resumed run
 * ({@link #resume}) continues the same step count, LR schedule and data order and, on the CPU, reproduces an
 * uninterrupted run bit for bit.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** Resumable checkpoints kept on disk (the LoRA files per save_steps are governed by save_last_n). */
    private static final int CHECKPOINTS_KEPT = 2;

    private final TrainingConfig config;
    private final RunFolder run;
    private final boolean resuming;
    private final List<Consumer<TrainingEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private Integer stopAfterStep;
    private double startLossScale = LossScaler.INITIAL_SCALE;

    private Trainer(TrainingConfig config, RunFolder run, boolean resuming) {
        this.config = config;
        this.run = run;
        this.resuming = resuming;
    }

    /**
     * Prepares a new run: checks the config's files, creates the run folder (resolved config, notes, run.json)
     * under the config's output folder (or {@code <workspace>/runs}).
     */
    public static Trainer start(TrainingConfig config, Path workspace, Optional<String> parentRunId)
            throws IOException {
        ConfigFiles.require(config);
        requireSelfCheck(config);
        Path runsDir = config.outputDirOr(workspace);
        Files.createDirectories(runsDir);
        String yaml = config.toYaml(runsDir); // rewritten below once the run folder exists
        RunFolder run = RunFolder.create(runsDir, config.name(), config.modelType().yamlName(), yaml);
        org.lorastudio.util.AtomicFiles.writeString(run.configFile(), config.toYaml(run.dir()));
        parentRunId.ifPresent(p -> {
            try {
                run.update(r -> r.withParent(p));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return new Trainer(config, run, false);
    }

    /** Prepares to continue {@code runDir} from its newest checkpoint with the config stored in the run. */
    public static Trainer resume(Path runDir) throws IOException {
        RunFolder run = RunFolder.open(runDir);
        TrainingConfig config = TrainingConfig.fromYaml(run.configFile());
        ConfigFiles.require(config);
        if (run.record().status() == RunStatus.COMPLETED) {
            throw new UserException("run " + run.id() + " is already completed; fork it to train further"
                    + " (`lorastudio runs fork`)");
        }
        requireSelfCheck(config);
        int removed = run.removeInterruptedWrites();
        if (removed > 0) {
            LOG.info("removed {} unfinished temporary file(s) of an interrupted write in {}", removed, run.dir());
        }
        return new Trainer(config, run, true);
    }

    /**
     * Refuses to train on a device whose math is wrong (issue 13), before anything is written: fp32 forward and
     * backward of the trainer's op kinds against fp64, once per process and device. A device the config cannot
     * resolve is left to {@link #run}, which reports it with its advice.
     */
    private static void requireSelfCheck(TrainingConfig config) {
        Device device;
        try {
            device = Devices.resolve(config.device());
        } catch (UserException e) {
            return;
        }
        SelfCheck.require(device);
    }

    public RunFolder runFolder() {
        return run;
    }

    public TrainingConfig config() {
        return config;
    }

    public void addListener(Consumer<TrainingEvent> listener) {
        listeners.add(listener);
    }

    /** Asks the run to stop after the current step (with a checkpoint); safe from any thread. */
    public void requestStop() {
        stopRequested.set(true);
    }

    /** Test hook: the fp16 loss scale a new run starts from (instead of 65536). */
    void startLossScale(double scale) {
        this.startLossScale = scale;
    }

    /** Test hook: stop (as if requested) once this step is done. */
    void stopAfter(int step) {
        this.stopAfterStep = step;
    }

    private void emit(TrainingEvent e) {
        for (Consumer<TrainingEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("training listener failed: {}", ex.toString());
            }
        }
    }

    /** Runs to completion, stop or failure; returns the final status. Never throws for a training failure. */
    public RunStatus run() {
        return run(TrainingTasks::create);
    }

    /**
     * Like {@link #run()} with the task made by {@code tasks} from the config (e.g. a pretraining phase) instead of
     * the one its model type names.
     */
    public RunStatus run(java.util.function.Function<TrainingConfig, TrainingTask> tasks) {
        Device device;
        try {
            device = Devices.resolve(config.device());
        } catch (UserException e) {
            return fail(e.getMessage(), "Set device: auto or cpu in the config.");
        }
        try (org.lorastudio.runtime.Placement.Session check = org.lorastudio.runtime.Placement.startIfRequested();
             NDManager manager = NDManager.newBaseManager(device);
             org.lorastudio.runtime.Placement.Binding placement = org.lorastudio.runtime.Placement.bind(manager);
             TrainingTask task = tasks.apply(config)) {
            RunStatus status = train(manager, task, device);
            if (check != null) { // the test mode asked for by -Dlorastudio.checkPlacement=true
                String summary = check.summary();
                if (!check.violations().isEmpty()) {
                    LOG.warn(summary);
                }
                emit(new TrainingEvent.Log(summary));
            }
            return status;
        } catch (UserException e) {
            return fail(e.getMessage(), advice(e.getMessage()));
        } catch (EngineException | OutOfMemoryError e) {
            String msg = String.valueOf(e.getMessage());
            if (isOutOfMemory(e)) {
                return fail("out of memory: " + firstLine(msg), Advice.OUT_OF_MEMORY);
            }
            LOG.debug("training failed", e);
            return fail("the engine failed: " + firstLine(msg), "See the log for details.");
        } catch (IOException e) {
            return fail("file error: " + e.getMessage(), "Check free disk space and permissions of " + run.dir());
        }
    }

    private RunStatus train(NDManager manager, TrainingTask task, Device device) throws IOException {
        long t0 = System.nanoTime();
        emit(new TrainingEvent.Log((resuming ? "Resuming " : "Starting ") + run.id() + " on "
                + Devices.describe(device)));
        emit(new TrainingEvent.Log("Numerical self-check: " + SelfCheck.forDevice(device).summary()));
        Devices.prepareForTraining(device).ifPresent(line -> emit(new TrainingEvent.Log(line)));
        java.nio.file.Path snapshotFile = run.dir().resolve(org.lorastudio.run.DatasetSnapshot.FILE_NAME);
        Optional<org.lorastudio.run.DatasetSnapshot> snapshot = resuming
                ? org.lorastudio.run.DatasetSnapshot.read(snapshotFile) : Optional.empty();
        if (task instanceof org.lorastudio.train.sd.SdTrainingTask sd) {
            snapshot.ifPresent(sd::trainOn); // captions edited since the start do not change the run
        }
        task.prepare(manager, this::emit);
        if (snapshot.isEmpty() && task instanceof org.lorastudio.train.sd.SdTrainingTask sd) {
            org.lorastudio.notes.DatasetDrift.snapshot(sd.dataset()).write(snapshotFile);
        }
        int itemsPerEpoch = task.itemsPerEpoch();
        List<int[]> epochBatches = task.microBatches(0);
        int microPerEpoch = epochBatches.size();
        int accum = config.gradientAccumulationSteps();
        int stepsPerEpoch = (microPerEpoch + accum - 1) / accum;
        int totalSteps = config.maxTrainSteps().orElse(config.epochs() * stepsPerEpoch);

        Map<String, TrainingTask.ParamGroup> groups = task.parameterGroups();
        Map<String, Optimizer> optimizers = new LinkedHashMap<>();
        groups.keySet().forEach(g -> optimizers.put(g, newOptimizer()));
        int startStep = 0;
        double elapsedBefore = 0;
        boolean fp16 = config.mixedPrecision() == MixedPrecision.FP16;
        LossScaler scaler = LossScaler.start(fp16, startLossScale);
        if (resuming) {
            Optional<Path> ckpt = Checkpoint.latest(run.checkpointsDir());
            if (ckpt.isPresent()) {
                Checkpoint.State st = Checkpoint.readState(ckpt.get());
                task.network().loadWeights(Checkpoint.readLora(ckpt.get(), manager));
                task.network().setTrainable(true);
                groups = task.parameterGroups();
                for (Map.Entry<String, Optimizer> e : optimizers.entrySet()) {
                    e.getValue().restore(Checkpoint.readOptimizer(ckpt.get(), e.getKey()));
                }
                startStep = st.step();
                elapsedBefore = st.elapsedSeconds();
                scaler = LossScaler.restore(fp16, st.lossScale(), st.cleanSteps(), st.skippedSteps());
                emit(new TrainingEvent.Log("Resuming from " + run.dir().relativize(ckpt.get()) + " (step "
                        + startStep + ")"));
            } else {
                emit(new TrainingEvent.Log("No checkpoint yet: starting from step 0"));
            }
        }
        RunEvaluation evaluation = RunEvaluation.start(task, run.dir(), config.validationEveryNSteps(), resuming,
                startStep, this::emit);
        long trainable = task.network().parameterCount();
        writeStartRecord(task, device, totalSteps);
        if (!resuming || run.record().stepsDone() == 0) {
            describeInNotes(task);
        }
        if (!config.samplePrompts().isEmpty()) {
            org.lorastudio.run.SampleIndex.writePrompts(run.samplesDir(), config.samplePrompts());
        }
        LrSchedule schedule = LrSchedule.of(LrSchedulerType.fromConfig(config.lrScheduler().yamlName()), 1.0,
                config.lrWarmupSteps(), totalSteps);
        emit(new TrainingEvent.Started(run.dir(), run.id().toString(), startStep, totalSteps, stepsPerEpoch,
                Devices.describe(device), precision(), trainable));

        List<Path> loraFiles = new ArrayList<>();
        int lastSampled = -1;
        int step = startStep;
        double lastLoss = Double.NaN;
        RunStatus status = RunStatus.COMPLETED;
        try (MetricsLog metrics = resuming ? MetricsLog.resume(run.metricsFile(), startStep)
                : MetricsLog.open(run.metricsFile());
             EventFileWriter tb = EventFileWriter.create(run.dir(), startStep + 1L)) {
            int cachedEpoch = 0;
            long tStart = System.nanoTime();
            int stepsThisSession = 0;
            int itemsThisSession = 0;
            while (step < totalSteps) {
                int epoch = step / stepsPerEpoch;
                int j = step % stepsPerEpoch;
                if (epoch != cachedEpoch) {
                    epochBatches = task.microBatches(epoch);
                    cachedEpoch = epoch;
                }
                int from = j * accum;
                int to = Math.min(microPerEpoch, from + accum);
                double lossSum = 0;
                int items = 0;
                for (int i = from; i < to; i++) {
                    int[] batch = epochBatches.get(i);
                    try (NDManager sm = manager.newSubManager();
                         GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        TrainingTask.ItemLosses losses = task.itemLosses(sm, batch, epoch,
                                (long) epoch * microPerEpoch + i);
                        NDArray loss = losses.mean();
                        evaluation.add(batch, losses.perItem(), step + 1);
                        float value = loss.getFloat();
                        if (!Float.isFinite(value)) {
                            throw new NonFiniteLoss(step + 1, value, null);
                        }
                        lossSum += value;
                        items += batch.length;
                        gc.backward(org.lorastudio.nn.Functional.mulScalar(loss,
                                (float) (scaler.scale() / (to - from))));
                        task.afterBackward();
                    }
                }
                FaultPoints.reached("step.before-update");
                double scaleUsed = scaler.scale();
                double gradNorm = applyUpdate(groups, optimizers, schedule.factor(step), scaleUsed);
                switch (scaler.update(Double.isFinite(gradNorm))) {
                    case DIVERGED -> throw new NonFiniteLoss(step + 1, (float) gradNorm, firstNonFinite(groups));
                    case SKIPPED -> {
                        zeroGradients(groups);
                        emit(new TrainingEvent.Log(String.format(java.util.Locale.ROOT, "Step %d: fp16 gradients"
                                + " overflowed (norm %s); update skipped, loss scale %.0f -> %.0f (%d skipped so"
                                + " far)", step + 1, gradNorm, scaleUsed, scaler.scale(), scaler.skipped())));
                    }
                    case GREW -> emit(new TrainingEvent.Log(String.format(java.util.Locale.ROOT, "Step %d: %d clean"
                            + " fp16 steps; loss scale %.0f -> %.0f", step + 1, LossScaler.GROWTH_INTERVAL, scaleUsed,
                            scaler.scale())));
                    case APPLIED -> { }
                }
                step++;
                stepsThisSession++;
                itemsThisSession += items;
                double loss = lossSum / (to - from);
                lastLoss = loss;
                double now = (System.nanoTime() - tStart) / 1e9;
                double ips = itemsThisSession / Math.max(now, 1e-9);
                double perStep = now / stepsThisSession;
                double lr = schedule.factor(step - 1) * groups.values().iterator().next().lr();
                Map<String, Object> extra = validate(evaluation, step, totalSteps, manager, tb, gradNorm);
                if (fp16) {
                    extra = new LinkedHashMap<>(extra);
                    extra.put("loss_scale", scaleUsed);
                }
                metrics.append(new MetricPoint(step, epoch + 1, loss, lr, elapsedBefore + now, ips, extra));
                int logged = step;
                FileErrors.writing(tb.file(), () -> {
                    tb.addScalar("loss", (float) loss, logged);
                    tb.addScalar("lr", (float) lr, logged);
                });
                emit(new TrainingEvent.Step(step, totalSteps, epoch + 1, loss, lr, ips, elapsedBefore + now,
                        perStep * (totalSteps - step), gradNorm));
                if (extra.get(org.lorastudio.run.ValidationCurve.KEY) instanceof Double v) {
                    emit(new TrainingEvent.ValidationLoss(step, v)); // after its Step: listeners truncate on Step
                }
                boolean stopping = stopRequested.get() || (stopAfterStep != null && step >= stopAfterStep);
                if (config.sampleEveryNSteps() > 0 && step % config.sampleEveryNSteps() == 0
                        && !config.samplePrompts().isEmpty()) {
                    sample(task, manager, step, tb);
                    lastSampled = step;
                }
                if (config.saveSteps() > 0 && step % config.saveSteps() == 0 && step < totalSteps) {
                    Path lora = run.dir().resolve(config.semanticName() + "-step" + step + task.adapterExtension());
                    Map<String, String> meta = metadata(task, step, epoch + 1, totalSteps);
                    FileErrors.writing(lora, () -> task.saveAdapter(lora, meta));
                    loraFiles.add(lora);
                    pruneStepFiles();
                    Path ck = Checkpoint.save(run.checkpointsDir(), new Checkpoint.State(step,
                            elapsedBefore + (System.nanoTime() - tStart) / 1e9, scaler.scale(), scaler.cleanSteps(),
                            scaler.skipped()),
                            task.network().namedArrays(), optimizers, CHECKPOINTS_KEPT);
                    evaluation.save(step);
                    emit(new TrainingEvent.CheckpointSaved(step, lora, ck));
                } else if (stopping) {
                    Path ck = Checkpoint.save(run.checkpointsDir(), new Checkpoint.State(step,
                            elapsedBefore + (System.nanoTime() - tStart) / 1e9, scaler.scale(), scaler.cleanSteps(),
                            scaler.skipped()),
                            task.network().namedArrays(), optimizers, CHECKPOINTS_KEPT);
                    evaluation.save(step);
                    emit(new TrainingEvent.CheckpointSaved(step, null, ck));
                }
                if (stopping && step < totalSteps) {
                    status = RunStatus.STOPPED;
                    break;
                }
            }
            if (status == RunStatus.COMPLETED) {
                FaultPoints.reached("final.before-save");
                if (config.sampleEveryNSteps() > 0 && lastSampled != step && !config.samplePrompts().isEmpty()) {
                    sample(task, manager, step, tb);
                }
                Path lora = run.dir().resolve(config.semanticName() + task.adapterExtension());
                Map<String, String> meta = metadata(task, step, (step - 1) / stepsPerEpoch + 1, totalSteps);
                FileErrors.writing(lora, () -> task.saveAdapter(lora, meta));
                loraFiles.add(lora);
                Checkpoint.save(run.checkpointsDir(), new Checkpoint.State(step,
                        elapsedBefore + (System.nanoTime() - tStart) / 1e9, scaler.scale(), scaler.cleanSteps(),
                        scaler.skipped()),
                        task.network().namedArrays(), optimizers, CHECKPOINTS_KEPT);
                evaluation.save(step);
                FaultPoints.reached("final.after-save");
            }
            elapsedBefore += (System.nanoTime() - tStart) / 1e9;
            if (fp16) {
                emit(new TrainingEvent.Log(String.format(java.util.Locale.ROOT, "fp16: %d of %d steps skipped for"
                        + " overflowing gradients; final loss scale %.0f", scaler.skipped(), step, scaler.scale())));
            }
        } catch (NonFiniteLoss e) {
            return fail(e.where == null ? "the loss became " + e.value + " at step " + e.step
                    : "the gradients became " + e.value + " at step " + e.step + " (first in " + e.where + ")",
                    Advice.nanLoss(SelfCheck.done(device)));
        } finally {
            optimizers.values().forEach(Optimizer::close);
        }
        finish(status, step, elapsedBefore);
        List<Path> allLora = loraFiles.stream().filter(Files::exists).toList();
        emit(new TrainingEvent.Finished(run.dir(), status.name().toLowerCase(java.util.Locale.ROOT), step, allLora,
                lastLoss, (System.nanoTime() - t0) / 1e9));
        return status;
    }

    /**
     * The extra metrics of {@code step}: its gradient norm and, when due, the validation loss (issue 16), which also
     * goes to TensorBoard here and to the listeners after the step's event.
     */
    private Map<String, Object> validate(RunEvaluation evaluation, int step, int totalSteps, NDManager manager,
                                         EventFileWriter tb, double gradNorm) throws IOException {
        java.util.OptionalDouble val = evaluation.validateAt(step, totalSteps, manager);
        if (val.isEmpty()) {
            return Map.of("grad_norm", gradNorm);
        }
        double v = val.getAsDouble();
        FileErrors.writing(tb.file(), () -> tb.addValidationLoss((float) v, step));
        Map<String, Object> extra = new LinkedHashMap<>(); // in this order in metrics.jsonl
        extra.put("grad_norm", gradNorm);
        extra.put(org.lorastudio.run.ValidationCurve.KEY, v);
        return extra;
    }

    /** The first trainable array whose gradient holds NaN or Inf (for the failure message). */
    private static String firstNonFinite(Map<String, TrainingTask.ParamGroup> groups) {
        try (NoGrad g = NoGrad.enter(); ai.djl.ndarray.NDScope scope = new ai.djl.ndarray.NDScope()) {
            for (TrainingTask.ParamGroup group : groups.values()) {
                for (Map.Entry<String, NDArray> e : group.arrays().entrySet()) {
                    NDArray grad = e.getValue().getGradient();
                    if (grad.isNaN().any().getBoolean() || grad.isInfinite().any().getBoolean()) {
                        return e.getKey();
                    }
                }
            }
        }
        return "no single array";
    }

    /** Zeroes every trainable gradient (after a skipped step, whose gradients no optimizer consumed). */
    private static void zeroGradients(Map<String, TrainingTask.ParamGroup> groups) {
        try (NoGrad g = NoGrad.enter()) {
            groups.values().forEach(group -> group.arrays().values().forEach(NoGrad::zeroGradient));
        }
    }

    /**
     * Unscales, clips by global norm, and steps every group's optimizer at its learning rate × the schedule; with a
     * non-finite norm nothing is stepped (the caller skips or fails the step).
     */
    private double applyUpdate(Map<String, TrainingTask.ParamGroup> groups, Map<String, Optimizer> optimizers,
                               double lrFactor, double lossScale) {
        List<NDArray> all = new ArrayList<>();
        groups.values().forEach(g -> all.addAll(g.arrays().values()));
        if (lossScale != 1.0) {
            try (NoGrad g = NoGrad.enter()) {
                for (NDArray a : all) {
                    try (NDArray grad = a.getGradient()) {
                        grad.divi((float) lossScale);
                    }
                }
            }
        }
        double norm = config.maxGradNorm() > 0
                ? GradientClipping.clipByGlobalNorm(all, config.maxGradNorm())
                : GradientClipping.globalNorm(all);
        if (!Double.isFinite(norm)) {
            return norm; // leave weights untouched; the caller reports the step
        }
        for (Map.Entry<String, TrainingTask.ParamGroup> e : groups.entrySet()) {
            optimizers.get(e.getKey()).step(e.getValue().arrays(), e.getValue().lr() * lrFactor);
        }
        return norm;
    }

    private Optimizer newOptimizer() {
        return switch (config.optimizer()) {
            case ADAMW -> new AdamW(new AdamW.Settings(config.adamBeta1(), config.adamBeta2(), config.adamEpsilon(),
                    config.weightDecay()));
            case LION -> new Lion(new Lion.Settings(config.adamBeta1(), config.adamBeta2(), config.weightDecay()));
            case SGD -> new Sgd(new Sgd.Settings(0.0, config.weightDecay()));
        };
    }

    private void sample(TrainingTask task, NDManager manager, int step, EventFileWriter tb) throws IOException {
        Files.createDirectories(run.samplesDir());
        List<Path> files = new ArrayList<>();
        FileErrors.writing(run.samplesDir(), () -> files.addAll(task.sample(manager, step, run.samplesDir())));
        FileErrors.writing(tb.file(), () -> tb.addSampleImages(files, step));
        if (!files.isEmpty()) {
            emit(new TrainingEvent.SampleReady(step, config.samplePrompts(), files));
        }
    }

    private Map<String, String> metadata(TrainingTask task, int step, int epoch, int totalSteps) {
        Map<String, String> m = new LinkedHashMap<>(task.adapterMetadata());
        RunRecord r = run.record();
        m.put("ss_steps", Integer.toString(step));
        m.put("ss_epoch", Integer.toString(epoch));
        m.put("ss_num_batches_per_epoch", Integer.toString(task.microBatches(0).size()));
        if (r.started() != null) {
            m.put("ss_training_started_at", Double.toString(r.started().toEpochMilli() / 1000.0));
        }
        m.put("ss_training_finished_at", Double.toString(Instant.now().toEpochMilli() / 1000.0));
        m.put("ss_session_id", Integer.toString(Math.abs(run.id().toString().hashCode())));
        m.put("ss_training_comment", "LoRA Studio run " + run.id());
        if (r.baseModel() != null) {
            m.put("ss_new_sd_model_hash", r.baseModel().sha256());
        }
        m.put("lorastudio_run_id", run.id().toString());
        m.put("lorastudio_config", run.configText());
        if (r.dataset() != null) {
            m.put("lorastudio_dataset_fingerprint", r.dataset().sha256() + " (" + r.dataset().items() + " items)");
        }
        m.put("lorastudio_total_steps", Integer.toString(totalSteps));
        return m;
    }

    /** Fills the notes' Data and Config changes sections (the user's text stays as it is). */
    private void describeInNotes(TrainingTask task) {
        try {
            if (task instanceof org.lorastudio.train.sd.SdTrainingTask sd) {
                org.lorastudio.dataset.Dataset ds = sd.dataset();
                org.lorastudio.notes.RunNotes.onRunStarted(run, ds, org.lorastudio.dataset.DatasetFingerprint.of(ds));
            } else {
                org.lorastudio.notes.RunNotes.fillConfigChanges(run);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not fill the notes of {}: {}", run.id(), e.toString());
        }
    }

    private void writeStartRecord(TrainingTask task, Device device, int totalSteps) throws IOException {
        ModelIdentity base = resuming && run.record().baseModel() != null ? run.record().baseModel()
                : ModelIdentity.of(config.baseModel().resolved());
        org.lorastudio.run.DatasetFingerprint fp = task.fingerprint();
        run.update(r -> r.withStatus(RunStatus.RUNNING).started(r.started() != null ? r.started() : Instant.now())
                .withSeed(config.seed()).withDevice(Devices.describe(device), precision()).withBaseModel(base)
                .withDataset(fp).withTotalSteps(totalSteps));
    }

    private String precision() {
        return config.mixedPrecision() == MixedPrecision.FP16 ? "fp16 mixed (fp32 LoRA and optimizer)" : "fp32";
    }

    private void pruneStepFiles() throws IOException {
        if (config.saveLastN().isEmpty()) {
            return;
        }
        String prefix = config.semanticName() + "-step";
        List<Path> steps;
        try (Stream<Path> s = Files.list(run.dir())) {
            steps = s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparingInt(p -> stepOf(p, prefix))).toList();
        }
        for (int i = 0; i < steps.size() - config.saveLastN().get(); i++) {
            Checkpoint.deleteTree(steps.get(i)); // a file, or a PEFT adapter folder
        }
    }

    private static int stepOf(Path p, String prefix) {
        String rest = p.getFileName().toString().substring(prefix.length()).replaceAll("\\D.*$", "");
        return rest.isEmpty() ? 0 : Integer.parseInt(rest);
    }

    private void finish(RunStatus status, int steps, double seconds) throws IOException {
        List<MetricPoint> points = MetricsLog.read(run.metricsFile());
        FinalMetrics fm = FinalMetrics.from(points, seconds, ProcessMemory.peakResidentBytes().isPresent()
                ? ProcessMemory.peakResidentBytes().getAsLong() : null);
        List<String> files = run.loraFiles().stream().map(p -> p.getFileName().toString()).toList();
        Instant end = Instant.now();
        RunRecord r = run.record();
        RunRecord withSteps = r.withStepsDone(steps).withFinalMetrics(fm).withOutputFiles(files);
        RunRecord ended = status == RunStatus.COMPLETED ? withSteps.completed(end, fm, files) : withSteps.stopped(end);
        // Notes first, run.json last: a crash in between leaves a run that is not yet "completed" and can be
        // resumed (which writes both again); the other order left a completed run whose notes never got results.
        org.lorastudio.notes.RunNotes.onRunEnded(run, ended);
        try {
            org.lorastudio.notes.RunNotes.noteDatasetDrift(run).ifPresent(l -> emit(new TrainingEvent.Log(l)));
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not compare the data set of {} with its folder: {}", run.id(), e.getMessage());
        }
        FaultPoints.reached("finish.before-record");
        run.writeRecord(ended);
        archive();
    }

    /** Commits the run's documents when the workspace is a Git archive with auto-commit on. */
    private void archive() {
        try {
            Path workspace = run.dir().getParent().getParent();
            org.lorastudio.archive.RunArchive.onRunFinished(workspace, run)
                    .ifPresent(c -> emit(new TrainingEvent.Log("committed to the workspace archive: " + c)));
        } catch (IOException | RuntimeException e) {
            emit(new TrainingEvent.Log("the Git archive commit failed (the run itself is saved): " + e.getMessage()));
        }
    }

    private RunStatus fail(String reason, String advice) {
        try {
            run.update(r -> r.failed(reason, Instant.now()));
            org.lorastudio.notes.RunNotes.onRunEnded(run);
            archive();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not record the failure in {}: {}", run.runJson(), e.getMessage());
        }
        emit(new TrainingEvent.Failed(run.dir(), reason, advice));
        return RunStatus.FAILED;
    }

    private static boolean isOutOfMemory(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return true;
        }
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("out of memory") || m.contains("can't allocate memory") || m.contains("cannot allocate");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String advice(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("not found") || m.contains("missing") || m.contains("no such")) {
            return "Check base_model and train_data_dir in the config (paths are relative to the config file).";
        }
        return "Fix the problem named above and start the run again (or resume it).";
    }

    /** Thrown inside the loop when the loss is NaN or infinite. */
    private static final class NonFiniteLoss extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int step;
        final float value;
        final String where;

        NonFiniteLoss(int step, float value, String where) {
            super(null, null, false, false);
            this.step = step;
            this.value = value;
            this.where = where;
        }
    }
}
