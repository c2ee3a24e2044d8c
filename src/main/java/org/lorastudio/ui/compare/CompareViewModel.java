package org.lorastudio.ui.compare;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.compare.ComparedRun;
import org.lorastudio.compare.ConfigDiff;
import org.lorastudio.compare.FlatConfig;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.runs.RunRow;
import org.lorastudio.ui.runs.RunsViewModel;
import org.lorastudio.util.UserException;

/**
 * The Compare screen's state: which runs are available and picked (two to four), the loaded comparison (config
 * diff, summaries, metrics, samples, notes — read in the background), and the chart settings.
 */
public final class CompareViewModel {
    public static final int MIN_RUNS = 2;
    public static final int MAX_RUNS = 4;

    /**
     * One compared run, read from disk.
     *
     * @param dir the run folder
     * @param label the name shown in headers (the run name, or its id when names repeat)
     * @param run record, config and metrics
     * @param summary the few numbers that matter
     * @param notes the notes' Markdown
     * @param samples the sample images
     */
    public record LoadedRun(Path dir, String label, ComparedRun run, RunSummary summary, String notes,
                            SampleIndex samples) {
    }

    /**
     * A loaded comparison.
     *
     * @param runs the runs, in the order picked
     * @param diff the config keys that differ, labelled by {@link LoadedRun#label()}
     */
    public record Result(List<LoadedRun> runs, ConfigDiff diff) {
        public Result {
            runs = List.copyOf(runs);
        }

        /** Every step that has a sample in any run, ascending. */
        public List<Long> sampleSteps() {
            Set<Long> s = new TreeSet<>();
            runs.forEach(r -> r.samples().images().keySet().forEach(k -> s.add(k.step())));
            return List.copyOf(s);
        }

        /** Every (step, prompt) with a sample in any run, by step then prompt. */
        public List<SampleIndex.Key> sampleKeys() {
            Set<SampleIndex.Key> s = new TreeSet<>();
            runs.forEach(r -> s.addAll(r.samples().images().keySet()));
            return List.copyOf(s);
        }

        /** True when cell {@code run} of diff row {@code row} differs from the first run's value. */
        public boolean changed(int row, int run) {
            List<String> v = diff.rows().get(row).values();
            return run > 0 && !Objects.equals(v.get(run), v.get(0));
        }
    }

    private final Path runsDir;
    private final Executor background;
    private final Executor fx;
    private final ObservableList<RunRow> available = FXCollections.observableArrayList();
    private final ObjectProperty<Result> result = new SimpleObjectProperty<>();
    private final ObjectProperty<LossCurves.Align> align = new SimpleObjectProperty<>(LossCurves.Align.STEP);
    private final DoubleProperty smoothing = new SimpleDoubleProperty(0.6);
    private final BooleanProperty logScale = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final Map<LossCurves.Align, List<LossCurves.Curve>> rawCache = new EnumMap<>(LossCurves.Align.class);
    private long generation;

    public CompareViewModel(Path runsDir, Executor background, Executor fx) {
        this.runsDir = runsDir;
        this.background = background;
        this.fx = fx;
    }

    public ObservableList<RunRow> available() {
        return available;
    }

    public ObjectProperty<Result> resultProperty() {
        return result;
    }

    public ObjectProperty<LossCurves.Align> alignProperty() {
        return align;
    }

    /** EMA weight in [0, 0.99]. */
    public DoubleProperty smoothingProperty() {
        return smoothing;
    }

    public BooleanProperty logScaleProperty() {
        return logScale;
    }

    public StringProperty messageProperty() {
        return message;
    }

    /** Rereads the list of runs in the background. */
    public CompletableFuture<Void> refreshRuns() {
        return CompletableFuture.supplyAsync(() -> RunsViewModel.load(runsDir, Instant.now()), background)
                .handleAsync((rows, error) -> {
                    if (error != null) {
                        message.set(cause(error).getMessage());
                    } else {
                        available.setAll(rows.stream().filter(RunRow::readable).toList());
                    }
                    return null;
                }, fx);
    }

    /**
     * Loads the comparison of {@code dirs} in the background; fewer than two or more than four runs clear it
     * with a message instead.
     */
    public CompletableFuture<Result> compare(List<Path> dirs) {
        long gen = ++generation;
        if (dirs.size() < MIN_RUNS || dirs.size() > MAX_RUNS) {
            rawCache.clear();
            result.set(null);
            message.set(dirs.size() < MIN_RUNS ? "Pick two to four runs to compare."
                    : "Pick at most four runs; " + dirs.size() + " are checked.");
            return CompletableFuture.completedFuture(null);
        }
        List<Path> copy = List.copyOf(dirs);
        message.set("Loading " + copy.size() + " runs…");
        return CompletableFuture.supplyAsync(() -> load(copy, Instant.now()), background)
                .handleAsync((loaded, error) -> {
                    if (gen != generation) {
                        return loaded; // a newer pick replaced this one while it loaded
                    }
                    rawCache.clear();
                    if (error != null) {
                        result.set(null);
                        message.set(cause(error).getMessage());
                        return null;
                    }
                    result.set(loaded);
                    message.set(loaded.diff().isEmpty() ? "The configs are identical (" + loaded.diff().totalKeys()
                            + " keys)." : loaded.diff().rows().size() + " of " + loaded.diff().totalKeys()
                            + " config keys differ.");
                    return loaded;
                }, fx);
    }

    /** Reads the runs' folders; a {@link UserException} names an unreadable one. */
    static Result load(List<Path> dirs, Instant now) {
        List<ComparedRun> runs = new ArrayList<>();
        for (Path d : dirs) {
            runs.add(ComparedRun.load(RunFolder.open(d)));
        }
        List<String> labels = labels(runs);
        List<LoadedRun> loaded = new ArrayList<>();
        List<FlatConfig> configs = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            ComparedRun r = runs.get(i);
            RunFolder f = RunFolder.open(dirs.get(i));
            configs.add(FlatConfig.parse(r.configYaml(), "config.yaml of run " + r.id()));
            loaded.add(new LoadedRun(dirs.get(i), labels.get(i), r, RunSummary.of(r.record(), r.metrics(), now),
                    f.notesText(), SampleIndex.scan(f.samplesDir())));
        }
        return new Result(loaded, ConfigDiff.of(labels, configs));
    }

    /** Run names, or ids where two runs share a name. */
    static List<String> labels(List<ComparedRun> runs) {
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new LinkedHashSet<>();
        for (ComparedRun r : runs) {
            if (!seen.add(r.record().name())) {
                repeated.add(r.record().name());
            }
        }
        return runs.stream().map(r -> repeated.contains(r.record().name()) ? r.id() : r.record().name()).toList();
    }

    /**
     * The chart's curves for the current settings: per run, the raw curve and (when smoothing) the smoothed
     * one, whole and in loss units (the chart reduces them per pixel column and takes the log itself), then the
     * validation curve (never smoothed) when the run measured one. Raw curves are cached per alignment.
     */
    public List<List<LossCurves.Curve>> curves() {
        Result r = result.get();
        if (r == null) {
            return List.of();
        }
        List<LossCurves.Curve> raw = rawCache.computeIfAbsent(align.get(), a -> r.runs().stream()
                .map(l -> LossCurves.raw(l.label(), l.run().metrics(), a)).toList());
        List<LossCurves.Curve> val = r.runs().stream()
                .map(l -> LossCurves.validation(l.label(), l.run().metrics(), align.get())).toList();
        double w = Math.max(0, Math.min(0.99, smoothing.get()));
        List<List<LossCurves.Curve>> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            List<LossCurves.Curve> run = new ArrayList<>(List.of(raw.get(i)));
            if (w > 0) {
                run.add(LossCurves.smooth(raw.get(i), w));
            }
            if (val.get(i).size() > 0) {
                run.add(val.get(i));
            }
            out.add(List.copyOf(run));
        }
        return out;
    }

    private static Throwable cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) {
            t = t.getCause();
        }
        return t;
    }
}
