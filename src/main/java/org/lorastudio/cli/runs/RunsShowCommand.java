package org.lorastudio.cli.runs;

import static org.lorastudio.cli.runs.RunsCommand.bytes;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.lorastudio.compare.Formats;
import org.lorastudio.compare.Table;
import org.lorastudio.notes.DatasetDrift;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.ValidationCurve;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runs show RUN}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "A run's provenance (run.json), config, last metrics and files.")
final class RunsShowCommand implements Runnable {
    private static final int LAST_POINTS = 5;

    @Mixin
    OneRun target;

    @Option(names = "--per-image", description = "List the training images by their mean loss in the run,"
            + " highest first (from per_image_loss.json).")
    boolean perImage;

    @Override
    public void run() {
        RunFolder folder = target.folder();
        PrintWriter out = target.out();
        if (perImage) {
            printPerImage(out, folder);
            return;
        }
        RunRecord r = folder.record();
        List<List<String>> fields = summaryRows(folder, r);
        int width = fields.stream().mapToInt(f -> f.get(0).length()).max().orElse(0);
        fields.forEach(f -> out.println(f.get(0) + " ".repeat(width - f.get(0).length() + 2) + f.get(1)));
        out.println();
        out.println("config.yaml");
        out.println("-----------");
        String config = readOrProblem(folder::configText);
        out.print(config.endsWith("\n") || config.isEmpty() ? config : config + "\n");
        out.println();
        printMetrics(out, folder);
        out.println();
        out.println("files");
        out.println("-----");
        for (Path p : folder.files()) {
            String name = p.getFileName().toString();
            out.println("  " + (Files.isDirectory(p)
                    ? name + "/ (" + folder.countFiles(name) + " files)"
                    : name + " (" + bytes(sizeOf(p)) + ")"));
        }
    }

    /** The images from the highest mean loss down: often a bad caption, a duplicate, or an odd one out. */
    private static void printPerImage(PrintWriter out, RunFolder folder) {
        PerImageLoss.Snapshot s = PerImageLoss.read(folder.dir())
                .orElseThrow(() -> new UserException("run " + folder.id() + " has no "
                        + PerImageLoss.FILE_NAME + " yet: it is written at each checkpoint"
                        + " and at the end (runs from before per-image losses have none)"));
        List<List<String>> rows = new ArrayList<>();
        int rank = 1;
        for (PerImageLoss.Entry e : s.images()) {
            rows.add(List.of(Integer.toString(rank++), e.image(), Formats.loss(e.meanLoss()),
                    Formats.loss(e.lastLoss()), Long.toString(e.count())));
        }
        out.println("per-image loss of " + folder.id() + " up to step " + s.step() + " (" + s.images().size()
                + " images, highest mean first)");
        out.print(new Table(List.of("#", "image", "mean loss", "last loss", "seen"), rows,
                List.of(true, false, true, true, true)).text());
    }

    private static List<List<String>> summaryRows(RunFolder folder, RunRecord r) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("id", r.id()));
        rows.add(List.of("name", r.name()));
        rows.add(List.of("status", r.status().label()));
        add(rows, "model type", r.modelType());
        rows.add(List.of("folder", folder.dir().toString()));
        add(rows, "created", r.created());
        add(rows, "started", r.started());
        add(rows, "ended", r.ended());
        rows.add(List.of("duration", Formats.duration(r.duration(Instant.now())
                .map(d -> d.toMillis() / 1000.0).orElse(null))));
        add(rows, "seed", r.seed());
        if (r.device() != null) {
            rows.add(List.of("device", r.device() + (r.precision() == null ? "" : " (precision " + r.precision()
                    + ")")));
        }
        rows.add(List.of("steps", r.totalSteps() > 0 ? r.stepsDone() + "/" + r.totalSteps()
                : Long.toString(r.stepsDone())));
        if (r.baseModel() != null) {
            rows.add(List.of("base model", r.baseModel().path() + " (" + bytes(r.baseModel().sizeBytes())
                    + ", sha256 " + r.baseModel().sha256() + ")"));
        }
        if (r.dataset() != null) {
            rows.add(List.of("dataset", r.dataset().items() + " items, sha256 " + r.dataset().sha256()));
            try {
                DatasetDrift.line(folder).ifPresent(l -> rows.add(List.of("", l)));
            } catch (IOException | UserException e) {
                rows.add(List.of("", "the data set could not be compared with this run (" + e.getMessage() + ")"));
            }
        }
        add(rows, "parent run", r.parentRunId());
        if (r.versions() != null) {
            rows.add(List.of("versions", "studio " + r.versions().studio() + ", Java " + r.versions().java()
                    + ", DJL " + r.versions().djl() + ", libtorch " + r.versions().libtorch()
                    + ", " + r.versions().os()));
        }
        FinalMetrics m = r.finalMetrics();
        if (m != null) {
            rows.add(List.of("final loss", Formats.loss(m.finalLoss())));
            rows.add(List.of("min loss", Formats.loss(m.minLoss())));
            add(rows, "items/s", m.itemsPerSecond() == null ? null
                    : String.format(Locale.ROOT, "%.2f", m.itemsPerSecond()));
            add(rows, "peak memory", m.peakMemoryBytes() == null ? null : bytes(m.peakMemoryBytes()));
        }
        try {
            ValidationCurve val = ValidationCurve.of(folder.metrics());
            val.last().ifPresent(last -> rows.add(List.of("val loss", Formats.loss(last.loss()) + " at step "
                    + last.step() + val.best().map(b -> " (best " + Formats.loss(b.loss()) + " at step "
                    + b.step() + ")").orElse(""))));
        } catch (UserException e) {
            // an unreadable metrics log is reported under "last metrics"
        }
        if (!r.outputFiles().isEmpty()) {
            rows.add(List.of("outputs", String.join(", ", r.outputFiles())));
        }
        add(rows, "error", r.error());
        return rows;
    }

    private static void add(List<List<String>> rows, String field, Object value) {
        if (value != null) {
            rows.add(List.of(field, value.toString()));
        }
    }

    private static void printMetrics(PrintWriter out, RunFolder folder) {
        out.println("last metrics");
        out.println("------------");
        List<MetricPoint> points;
        try {
            points = folder.metrics();
        } catch (UserException e) {
            out.println("  (unreadable: " + e.getMessage() + ")");
            return;
        }
        if (points.isEmpty()) {
            out.println("  (none logged)");
            return;
        }
        List<List<String>> rows = points.subList(Math.max(0, points.size() - LAST_POINTS), points.size())
                .stream()
                .map(p -> List.of(Long.toString(p.step()), Integer.toString(p.epoch()), Formats.loss(p.loss()),
                        String.format(Locale.ROOT, "%.3g", p.lr()), Formats.duration(p.seconds()),
                        String.format(Locale.ROOT, "%.2f", p.itemsPerSecond())))
                .toList();
        out.print(new Table(List.of("step", "epoch", "loss", "lr", "time", "items/s"), rows,
                List.of(true, true, true, true, true, true)).text());
        out.println("(" + points.size() + " points logged)");
    }

    private static String readOrProblem(Supplier<String> reader) {
        try {
            return reader.get();
        } catch (UserException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
