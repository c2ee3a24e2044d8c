package org.lorastudio.notes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.lorastudio.compare.Lineage;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetFingerprint;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.report.LossCurvePlot;
import org.lorastudio.report.LossSummary;
import org.lorastudio.report.MarkdownLinks;
import org.lorastudio.report.SampleGrid;
import org.lorastudio.report.Smoothing;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.SampleIndex;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Keeps a run's {@code notes.md} filled in, so the lab notebook writes itself while the user writes only the why:
 * the Data and Config changes sections when a run is planned or starts, the Results section when it ends. Each
 * section is regenerated only between its markers ({@link MarkedSection}); every other byte of the notes is the
 * user's and stays as it is. Every write is atomic.
 *
 * <p>The trainer calls {@link #onRunStarted} once the data set is scanned and fingerprinted (before step 1) and
 * {@link #onRunEnded} when the run completes, is stopped or fails. The run folder itself never reaches up to the
 * notes: the layer that finishes a run writes them (no import circle between {@code run} and {@code notes}).
 */
public final class RunNotes {
    private RunNotes() {
    }

    /** Fills Data from the scanned data set and Config changes from the parent run. */
    public static void onRunStarted(RunFolder run, Dataset dataset, DatasetFingerprint fingerprint)
            throws IOException {
        DataSection data = DataSection.of(dataset, fingerprint, displayPath(run, dataset.root()));
        String notes = MarkedSection.DATA.insertInto(run.notesText(), data.content());
        notes = MarkedSection.CONFIG_CHANGES.insertInto(notes, configChanges(run).content());
        AtomicFiles.writeString(run.notesFile(), notes);
    }

    /**
     * Fills Data by scanning the config's data set (used for planned runs, before the trainer has one). A data set
     * that cannot be read yet is said so in the section instead of failing: planning a run must not need the data.
     */
    public static void fillData(RunFolder run, TrainingConfig config) throws IOException {
        Path dir = config.trainDataDir().resolved();
        String content;
        try {
            Dataset dataset = DatasetScanner.scan(dir, config.metadataPath().map(p -> p.resolved()));
            content = DataSection.of(dataset, DatasetFingerprint.of(dataset), displayPath(run, dir)).content();
        } catch (UserException | IOException e) {
            content = "- **Data set:** `" + displayPath(run, dir) + "` could not be read yet (" + e.getMessage()
                    + "); it is filled in when training starts.\n";
        }
        AtomicFiles.writeString(run.notesFile(), MarkedSection.DATA.insertInto(run.notesText(), content));
    }

    /** Fills Config changes with the diff against the parent run (see {@link Lineage#parentOf}). */
    public static ConfigChanges fillConfigChanges(RunFolder run) throws IOException {
        ConfigChanges changes = configChanges(run);
        AtomicFiles.writeString(run.notesFile(),
                MarkedSection.CONFIG_CHANGES.insertInto(run.notesText(), changes.content()));
        return changes;
    }

    /** The diff of {@code run}'s config against its parent's, or {@link ConfigChanges#none()}. */
    public static ConfigChanges configChanges(RunFolder run) {
        Optional<Lineage.Parent> parent = Lineage.parentOf(run);
        if (parent.isEmpty()) {
            return ConfigChanges.none();
        }
        RunFolder p = parent.get().folder();
        return ConfigChanges.between(p.id().value(), parent.get().reason(), p.configText(), p.dir(), run.configText(),
                run.dir());
    }

    /**
     * Writes the Results section: draws {@value LossCurvePlot#FILE_NAME}, summarises the loss (EMA
     * {@value Smoothing#DEFAULT_BETA}), lists the LoRA files and lays out the samples. Calling it again (a resumed
     * run that ends again) replaces the section; nothing is duplicated.
     */
    public static void onRunEnded(RunFolder run) throws IOException {
        onRunEnded(run, run.record());
    }

    /**
     * Writes the Results section for the record the run is about to be given ({@code record} is not yet in
     * {@code run.json}), so that the trainer can write the notes before it marks the run ended.
     */
    public static void onRunEnded(RunFolder run, org.lorastudio.run.RunRecord record) throws IOException {
        Optional<Path> plot = LossCurvePlot.writeForRun(run, LossCurvePlot.Options.defaults());
        SampleIndex samples = SampleIndex.read(run.samplesDir());
        List<org.lorastudio.run.MetricPoint> points = run.metrics();
        ResultsSection section = new ResultsSection(record,
                LossSummary.of(points, Smoothing.DEFAULT_BETA),
                run.loraFiles().stream().map(p -> p.getFileName().toString()).toList(),
                plot.map(p -> run.dir().relativize(p).toString().replace('\\', '/')),
                SampleGrid.markdown(samples, f -> MarkdownLinks.relative(run.dir(), f), SampleGrid.MAX_STEPS),
                org.lorastudio.run.ValidationCurve.of(points), hardest(run));
        AtomicFiles.writeString(run.notesFile(), section.insertInto(run.notesText()));
    }

    /** The per-image losses of the run, highest first; none when the file is missing or unreadable. */
    private static List<org.lorastudio.run.PerImageLoss.Entry> hardest(RunFolder run) {
        try {
            return org.lorastudio.run.PerImageLoss.read(run.dir()).map(s -> s.images()).orElse(List.of());
        } catch (org.lorastudio.util.UserException e) {
            return List.of();
        }
    }

    /**
     * Says in the Data section whether the data set changed since the run read it ({@link DatasetDrift}), replacing
     * what an earlier call said; writes nothing when the notes have no Data block or nothing changed.
     *
     * @return the line now in the notes, if any
     */
    public static Optional<String> noteDatasetDrift(RunFolder run) throws IOException {
        Optional<String> line = DatasetDrift.line(run);
        String notes = run.notesText();
        Optional<String> data = MarkedSection.DATA.contentIn(notes);
        if (data.isEmpty()) {
            return line;
        }
        StringBuilder content = new StringBuilder();
        data.get().lines().filter(l -> !l.startsWith(DatasetDrift.LINE_PREFIX))
                .forEach(l -> content.append(l).append('\n'));
        line.ifPresent(l -> content.append(DatasetDrift.LINE_PREFIX)
                .append(l.substring(l.indexOf(':') + 2)).append('\n'));
        String updated = MarkedSection.DATA.insertInto(notes, content.toString());
        if (!updated.equals(notes)) {
            AtomicFiles.writeString(run.notesFile(), updated);
        }
        return line;
    }

    /** A path as shown in the notes: relative to the workspace (the runs folder's parent) when inside it. */
    static String displayPath(RunFolder run, Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path runsDir = run.dir().toAbsolutePath().normalize().getParent();
        Path workspace = runsDir == null ? null : runsDir.getParent();
        if (workspace != null && abs.startsWith(workspace)) {
            return workspace.getFileName() + "/" + workspace.relativize(abs).toString().replace('\\', '/');
        }
        return abs.toString();
    }

    /** The text of a level-2 section (without its heading), if the notes have it. */
    static Optional<String> sectionBody(String notes, String heading) {
        List<String> lines = notes.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equalsIgnoreCase(heading)) {
                StringBuilder sb = new StringBuilder();
                for (int k = i + 1; k < lines.size() && !lines.get(k).startsWith("## "); k++) {
                    sb.append(lines.get(k)).append('\n');
                }
                return Optional.of(sb.toString().strip());
            }
        }
        return Optional.empty();
    }
}
