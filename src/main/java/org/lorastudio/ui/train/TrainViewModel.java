package org.lorastudio.ui.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunStatus;
import org.lorastudio.train.SelfCheck;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.ui.common.FxBatcher;

/**
 * The Train screen's state and logic, free of controls: starts, stops and resumes a {@link Trainer} on one dedicated
 * trainer thread (the {@code trainerThread} executor, which owns the run's native memory), and folds the trainer's
 * events, batched to at most one UI task per pulse through {@link FxBatcher}, into properties the view binds to.
 * Tests pass a direct UI dispatcher ({@code Runnable::run}) and need no FX toolkit.
 */
public final class TrainViewModel {
    /** Log lines kept (older ones are dropped). */
    static final int MAX_LOG_LINES = 5000;

    private final Path workspace;
    private final Executor trainerThread;
    private final Consumer<Runnable> ui;

    private final ObjectProperty<Path> config = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> runDir = new SimpleObjectProperty<>();
    private final ObjectProperty<TrainState> state = new SimpleObjectProperty<>(TrainState.IDLE);
    private final StringProperty finalStatus = new SimpleStringProperty("");
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty progressText = new SimpleStringProperty("Not started");
    private final StringProperty failureReason = new SimpleStringProperty("");
    private final StringProperty failureAdvice = new SimpleStringProperty("");
    private final IntegerProperty chartVersion = new SimpleIntegerProperty();
    private final ObservableList<String> log = FXCollections.observableArrayList();
    private final ObservableList<Path> samples = FXCollections.observableArrayList();
    private final ObservableList<String> samplePrompts = FXCollections.observableArrayList();
    private final LossSeries series = new LossSeries();

    private volatile Trainer trainer;
    private volatile CompletableFuture<RunStatus> running;
    /** Stop pressed before the trainer existed (while loading the config); read by the trainer thread. */
    private volatile boolean stopEarly;
    private UnaryOperator<TrainingConfig> adjuster = UnaryOperator.identity();
    /** Bumped by each open and launch, so a slow history read cannot overwrite a newer chart. */
    private int historyGeneration;

    /**
     * @param workspace     where new runs go ({@code <workspace>/runs} unless the config says otherwise)
     * @param trainerThread runs each training on its own thread (the studio: a new daemon thread per run)
     * @param ui            runs a task on the UI thread later ({@code Platform::runLater}; tests: inline)
     */
    public TrainViewModel(Path workspace, Executor trainerThread, Consumer<Runnable> ui) {
        this.workspace = workspace;
        this.trainerThread = trainerThread;
        this.ui = ui;
    }

    /** A daemon thread per run, as the trainer needs (it owns the native memory of the run). */
    public static Executor newTrainerThreadPerRun() {
        return r -> {
            Thread t = new Thread(r, "studio-trainer");
            t.setDaemon(true);
            t.start();
        };
    }

    /**
     * Shows an existing run while idle: makes it the one Resume continues and fills the chart from its
     * {@code metrics.jsonl}, read on a background thread. Ignored while training.
     */
    public void open(Path dir) {
        if (isBusy() || dir == null) {
            return;
        }
        runDir.set(dir);
        int gen = ++historyGeneration;
        trainerThread.execute(() -> {
            List<MetricPoint> points = readHistory(dir);
            ui.accept(() -> {
                if (gen == historyGeneration && !isBusy()) {
                    series.clear();
                    history(points);
                }
            });
        });
    }

    private static List<MetricPoint> readHistory(Path dir) {
        try {
            return MetricsLog.read(dir.resolve(MetricsLog.FILE_NAME));
        } catch (RuntimeException e) {
            return List.of(); // a damaged log shows an empty chart; the run's own screens name the damage
        }
    }

    /** Appends logged points to the chart (before any live step of a resumed run). */
    private void history(List<MetricPoint> points) {
        for (MetricPoint p : points) {
            series.add((int) p.step(), p.loss(), p.lr());
            if (p.extra().get(org.lorastudio.run.ValidationCurve.KEY) instanceof Number v) {
                series.addValidation((int) p.step(), v.doubleValue());
            }
        }
        chartVersion.set(chartVersion.get() + 1);
    }

    /** Changes the loaded config before a new run starts (tests shorten the demo; the screenshot mode too). */
    public void setConfigAdjuster(UnaryOperator<TrainingConfig> adjuster) {
        this.adjuster = adjuster == null ? UnaryOperator.identity() : adjuster;
    }

    /** The YAML config a new run trains. */
    public ObjectProperty<Path> configProperty() {
        return config;
    }

    /** The run being trained, or the last one (what Resume continues). */
    public ObjectProperty<Path> runDirProperty() {
        return runDir;
    }

    public ObjectProperty<TrainState> stateProperty() {
        return state;
    }

    /** {@code completed}, {@code stopped} or {@code failed} once a run ended; empty before. */
    public StringProperty finalStatusProperty() {
        return finalStatus;
    }

    /** 0..1, or -1 (indeterminate) while preparing. */
    public DoubleProperty progressProperty() {
        return progress;
    }

    /** "step N / M · X it/s · ETA m:ss". */
    public StringProperty progressTextProperty() {
        return progressText;
    }

    public StringProperty failureReasonProperty() {
        return failureReason;
    }

    public StringProperty failureAdviceProperty() {
        return failureAdvice;
    }

    /** Incremented whenever points were added to (or cleared from) {@link #series()}: the chart redraws. */
    public IntegerProperty chartVersionProperty() {
        return chartVersion;
    }

    public LossSeries series() {
        return series;
    }

    public ObservableList<String> log() {
        return log;
    }

    /** The newest sample images (one per prompt). */
    public ObservableList<Path> samples() {
        return samples;
    }

    /** The prompts of {@link #samples()}, same order. */
    public ObservableList<String> samplePrompts() {
        return samplePrompts;
    }

    /** Whether a trainer thread is alive. */
    public boolean isBusy() {
        return state.get().busy();
    }

    /** Starts a new run of {@link #configProperty()}; ignored while busy. */
    public void start() {
        Path file = config.get();
        if (isBusy()) {
            return;
        }
        if (file == null) {
            fail("no config selected", "Pick a config file (the Config screen, or Browse…).");
            return;
        }
        launch("Loading " + file.getFileName(), () -> {
            TrainingConfig cfg = adjuster.apply(TrainingConfig.fromYaml(file));
            return Trainer.start(cfg, workspace, Optional.empty());
        });
    }

    /** Continues {@code dir} (default: {@link #runDirProperty()}) from its newest checkpoint. */
    public void resume(Path dir) {
        Path target = dir != null ? dir : runDir.get();
        if (isBusy()) {
            return;
        }
        if (target == null || !Files.isDirectory(target)) {
            fail("no run to resume", "Start a run first, or pick a stopped run on the Runs screen.");
            return;
        }
        launch("Resuming " + target.getFileName(), () -> {
            // The history goes to the UI queue before the trainer exists, so it is drawn before any new step.
            List<MetricPoint> points = readHistory(target);
            ui.accept(() -> history(points));
            return Trainer.resume(target);
        });
    }

    /** Asks the running trainer to stop after the current step (a checkpoint is saved). */
    public void stop() {
        if (isBusy() && state.get() != TrainState.STOPPING) {
            stopEarly = true; // written before reading trainer: one of the two threads sees the other's write
            Trainer t = trainer;
            if (t != null) {
                t.requestStop();
            }
            state.set(TrainState.STOPPING);
            appendLog("Stop requested: finishing the current step and saving a checkpoint…");
        }
    }

    /**
     * On window close: if training runs, asks {@code confirm}; on yes stops cleanly and waits up to
     * {@code waitSeconds} for the trainer thread. Returns whether the window may close.
     */
    public boolean closeRequest(BooleanSupplier confirm, long waitSeconds) {
        CompletableFuture<RunStatus> f = running;
        if (!isBusy() || f == null || f.isDone()) {
            return true;
        }
        if (!confirm.getAsBoolean()) {
            return false;
        }
        Trainer t = trainer;
        if (t != null) {
            t.requestStop();
        }
        try {
            f.get(waitSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return true; // the daemon thread dies with the JVM; the last checkpoint is still resumable
        } catch (Exception e) {
            return true;
        }
        return true;
    }

    /** The current run's background part (completes with its status), or null; tests wait on it. */
    public CompletableFuture<RunStatus> running() {
        return running;
    }

    private interface TrainerFactory {
        Trainer create() throws Exception;
    }

    private void launch(String what, TrainerFactory factory) {
        historyGeneration++;
        series.clear();
        chartVersion.set(chartVersion.get() + 1);
        samples.clear();
        samplePrompts.clear();
        failureReason.set("");
        failureAdvice.set("");
        finalStatus.set("");
        progress.set(-1);
        progressText.set(what + "…");
        state.set(TrainState.PREPARING);
        appendLog(what);
        stopEarly = false;
        FxBatcher<TrainingEvent> batcher = new FxBatcher<>(this::onEvents, ui);
        CompletableFuture<RunStatus> f = new CompletableFuture<>();
        running = f;
        trainerThread.execute(() -> {
            RunStatus result = RunStatus.FAILED;
            try {
                Trainer t = factory.create();
                trainer = t;
                t.addListener(batcher::add);
                ui.accept(() -> runDir.set(t.runFolder().dir()));
                if (stopEarly) {
                    t.requestStop();
                }
                result = t.run();
            } catch (Exception | Error e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                batcher.add(e instanceof SelfCheck.Failed sf ? new TrainingEvent.Failed(null, sf.reason(), sf.advice())
                        : new TrainingEvent.Failed(null, msg, advice(msg)));
            } finally {
                RunStatus end = result;
                ui.accept(() -> ended(end));
                trainer = null;
                f.complete(result);
            }
        });
    }

    private static String advice(String msg) {
        String m = msg.toLowerCase(Locale.ROOT);
        if (m.contains("already completed")) {
            return "Fork the run on the Runs screen to train it further.";
        }
        if (m.contains("no such file") || m.contains("not found") || m.contains("does not exist")) {
            return "Check the paths in the config (they are relative to the config file's folder).";
        }
        return "Check the config on the Config screen and try again; the log has details.";
    }

    private void ended(RunStatus status) {
        String s = status.name().toLowerCase(Locale.ROOT);
        finalStatus.set(s);
        state.set(TrainState.IDLE);
        if (status == RunStatus.COMPLETED) {
            progress.set(1.0);
        } else if (progress.get() < 0) {
            progress.set(0);
        }
    }

    void onEvents(List<TrainingEvent> events) {
        boolean points = false;
        for (TrainingEvent e : events) {
            if (e instanceof TrainingEvent.Log l) {
                appendLog(l.message());
            } else if (e instanceof TrainingEvent.Preparing p) {
                progress.set(-1);
                progressText.set(p.what() + " " + p.done() + " / " + p.total());
            } else if (e instanceof TrainingEvent.Started s) {
                runDir.set(s.runDir());
                if (state.get() != TrainState.STOPPING) {
                    state.set(TrainState.RUNNING);
                }
                progress.set(s.totalSteps() > 0 ? (double) s.startStep() / s.totalSteps() : 0);
                progressText.set("step " + s.startStep() + " / " + s.totalSteps());
                appendLog(String.format(Locale.ROOT, "Run %s: steps %d–%d on %s (%s), %,d trainable parameters",
                        s.runId(), s.startStep() + 1, s.totalSteps(), s.device(), s.precision(),
                        s.trainableParameters()));
            } else if (e instanceof TrainingEvent.Step s) {
                series.truncateFrom(s.step()); // a resumed run redoes the steps logged after its checkpoint
                series.add(s.step(), s.loss(), s.lr());
                points = true;
                progress.set(s.totalSteps() > 0 ? (double) s.step() / s.totalSteps() : 0);
                progressText.set(progressLine(s));
            } else if (e instanceof TrainingEvent.ValidationLoss v) {
                series.addValidation(v.step(), v.loss());
                points = true;
                appendLog(String.format(Locale.ROOT, "Validation loss at step %d: %.4f", v.step(), v.loss()));
            } else if (e instanceof TrainingEvent.SampleReady s) {
                samplePrompts.setAll(s.prompts()); // before the files: the gallery rebuilds on files
                samples.setAll(s.files());
                appendLog("Samples at step " + s.step() + ": " + s.files().size() + " files");
            } else if (e instanceof TrainingEvent.CheckpointSaved c) {
                appendLog("Saved step " + c.step()
                        + (c.lora() != null ? ": " + c.lora().getFileName() : " (checkpoint)"));
            } else if (e instanceof TrainingEvent.Finished f) {
                finalStatus.set(f.status());
                appendLog(String.format(Locale.ROOT, "Run %s after %d steps in %.1f s, final loss %.4f",
                        f.status(), f.stepsDone(), f.seconds(), f.finalLoss()));
            } else if (e instanceof TrainingEvent.Failed f) {
                fail(f.reason(), f.advice());
            }
        }
        if (points) {
            chartVersion.set(chartVersion.get() + 1);
        }
    }

    /** "step N / M · X it/s · ETA m:ss". */
    static String progressLine(TrainingEvent.Step s) {
        return String.format(Locale.ROOT, "step %d / %d · %.2f it/s · ETA %s", s.step(), s.totalSteps(),
                s.itemsPerSecond(), clock(s.etaSeconds()));
    }

    /** Seconds as m:ss (h:mm:ss past an hour). */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "–";
        }
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void fail(String reason, String advice) {
        failureReason.set(reason == null ? "" : reason);
        failureAdvice.set(advice == null ? "" : advice);
        appendLog("FAILED: " + reason);
    }

    private void appendLog(String line) {
        log.add(line);
        if (log.size() > MAX_LOG_LINES) {
            log.remove(0, log.size() - MAX_LOG_LINES);
        }
    }
}
