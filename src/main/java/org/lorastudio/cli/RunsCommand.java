package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.lorastudio.archive.RunArchive;
import org.lorastudio.archive.RunExport;
import org.lorastudio.compare.ComparedRun;
import org.lorastudio.compare.Comparison;
import org.lorastudio.compare.Formats;
import org.lorastudio.compare.Lineage;
import org.lorastudio.compare.ReportFormat;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.compare.Table;
import org.lorastudio.notes.RunNotes;
import org.lorastudio.notes.RunPlanner;
import org.lorastudio.report.RunReport;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunEntry;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunListing;
import org.lorastudio.run.RunRecord;
import org.lorastudio.util.UserException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lorastudio runs}: list, show and compare past runs, plan new ones from notes or by forking, keep them in
 * Git, export and report them (SPEC §8, issue 5). A thin front end over {@link RunCatalog}, {@link Comparison},
 * {@link RunPlanner}, {@link RunArchive}, {@link RunExport} and {@link RunReport}; everything it prints goes through
 * picocli's writers. The workspace (the Git repository) is the runs folder's parent.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List, show, compare, plan, archive and report runs in the runs folder.",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class,
                RunsCommand.NewRun.class, RunsCommand.Fork.class, RunsCommand.Report.class, RunsCommand.Export.class,
                RunsCommand.GitCommand.class, RunsCommand.Commit.class, RunsCommand.History.class})
final class RunsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--runs-dir", paramLabel = "DIR",
            description = "Runs folder (default: $LORASTUDIO_WORKSPACE/runs, else ./workspace/runs).")
    Path runsDir;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The runs folder: the subcommand's option, else this command's, else the default. */
    RunCatalog catalog(Path subOption) {
        Path dir = subOption != null ? subOption : runsDir;
        if (dir == null) {
            dir = RunCatalog.defaultRunsDir(System.getenv(), Path.of("").toAbsolutePath());
        }
        return new RunCatalog(dir);
    }

    /** {@code runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Table of all runs: id, name, status, steps, final loss, duration.")
    static final class ListRuns implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        RunsDirOption runsOption;

        @Option(names = "--grep", paramLabel = "TEXT",
                description = "Only runs whose id, name, notes or config contain TEXT (ignoring case).")
        String grep;

        @Override
        public void run() {
            RunCatalog catalog = parent.catalog(runsOption.runsDir);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            RunListing listing = catalog.list();
            listing.warnings().forEach(w -> err.println("warning: " + w));
            List<RunEntry> shown = listing.entries().stream().filter(this::matches).toList();
            if (shown.isEmpty()) {
                out.println(grep == null ? "no runs in " + catalog.dir()
                        : "no runs matching '" + grep + "' in " + catalog.dir());
                return;
            }
            Instant now = Instant.now();
            List<List<String>> rows = new ArrayList<>();
            // forks are indented under the run they were started from
            for (Lineage.Node node : Lineage.tree(shown)) {
                RunEntry e = node.entry();
                List<String> row = new ArrayList<>(e.readable().map(r -> row(RunSummary.of(r, metricsFor(e, r), now)))
                        .orElseGet(() -> List.of(e.id().value(), "?", RunEntry.UNREADABLE, "—", "—", "—")));
                row.set(0, node.prefix() + row.get(0));
                rows.add(row);
                if (!e.isReadable()) {
                    err.println("warning: " + e.problem());
                }
            }
            out.print(new Table(List.of("ID", "NAME", "STATUS", "STEPS", "FINAL LOSS", "DURATION"), rows,
                    List.of(false, false, false, true, true, true)).text());
        }

        private boolean matches(RunEntry e) {
            if (grep == null || grep.isEmpty()) {
                return true;
            }
            String needle = grep.toLowerCase(Locale.ROOT);
            if (contains(e.id().value(), needle) || e.readable().map(r -> contains(r.name(), needle)).orElse(false)) {
                return true;
            }
            RunFolder f = e.folder();
            return contains(readQuietly(f::notesText), needle) || contains(readQuietly(f::configText), needle);
        }

        private static boolean contains(String haystack, String lowerNeedle) {
            return haystack.toLowerCase(Locale.ROOT).contains(lowerNeedle);
        }

        /** A damaged file must not stop the listing; it simply does not match. */
        private static String readQuietly(Supplier<String> reader) {
            try {
                return reader.get();
            } catch (UserException ex) {
                return "";
            }
        }

        /** Metrics are read only when run.json has no final loss yet (a running or crashed run). */
        private static List<MetricPoint> metricsFor(RunEntry e, RunRecord r) {
            if (r.finalMetrics() != null && r.finalMetrics().finalLoss() != null) {
                return List.of();
            }
            try {
                return e.folder().metrics();
            } catch (UserException ex) {
                return List.of();
            }
        }

        private static List<String> row(RunSummary s) {
            return List.of(s.id(), s.name(), s.status(), s.stepsText(), Formats.loss(s.finalLoss()),
                    Formats.duration(s.durationSeconds()));
        }
    }

    /** {@code runs show RUN}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "A run's provenance (run.json), config, last metrics and files.")
    static final class Show implements Runnable {
        private static final int LAST_POINTS = 5;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        OneRun target;

        @Option(names = "--per-image", description = "List the training images by their mean loss in the run,"
                + " highest first (from per_image_loss.json).")
        boolean perImage;

        @Override
        public void run() {
            RunFolder folder = target.folder(parent);
            PrintWriter out = spec.commandLine().getOut();
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
            org.lorastudio.run.PerImageLoss.Snapshot s = org.lorastudio.run.PerImageLoss.read(folder.dir())
                    .orElseThrow(() -> new UserException("run " + folder.id() + " has no "
                            + org.lorastudio.run.PerImageLoss.FILE_NAME + " yet: it is written at each checkpoint"
                            + " and at the end (runs from before per-image losses have none)"));
            List<List<String>> rows = new ArrayList<>();
            int rank = 1;
            for (org.lorastudio.run.PerImageLoss.Entry e : s.images()) {
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
                    org.lorastudio.notes.DatasetDrift.line(folder).ifPresent(l -> rows.add(List.of("", l)));
                } catch (java.io.IOException | UserException e) {
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
                org.lorastudio.run.ValidationCurve val = org.lorastudio.run.ValidationCurve.of(folder.metrics());
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

    /** {@code runs compare RUN RUN...}. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Config keys that differ between runs, and their summary metrics.")
    static final class Compare implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        RunsDirOption runsOption;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatConverter.class,
                description = "text (aligned columns, default) or markdown (tables for notes).")
        ReportFormat format;

        @Parameters(arity = "2..*", paramLabel = "RUN",
                description = "Two or more runs: ids, unique parts of ids, or run folders.")
        List<String> runs;

        @Override
        public void run() {
            RunCatalog catalog = parent.catalog(runsOption.runsDir);
            List<ComparedRun> loaded = runs.stream().map(catalog::resolve).map(ComparedRun::load).toList();
            spec.commandLine().getOut().print(Comparison.of(loaded, Instant.now()).render(format));
        }
    }

    /** The workspace: the runs folder's parent, where {@code runs git init} makes the repository. */
    Path workspace(Path subOption) {
        return catalog(subOption).dir().toAbsolutePath().normalize().getParent();
    }

    /** {@code runs new --from-notes FILE}. */
    @Command(name = "new", mixinStandardHelpOptions = true,
            description = "Plan a run from the first ```yaml block of a Markdown file (validated like a config).")
    static final class NewRun implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Option(names = "--runs-dir", paramLabel = "DIR",
                description = "Runs folder (default: the config's output_dir, else the default runs folder).")
        Path runsDir;

        @Option(names = "--from-notes", required = true, paramLabel = "FILE",
                description = "Markdown file with the config in a ```yaml block; line numbers in errors are its lines.")
        Path notes;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            Path dir = runsDir != null ? runsDir : parent.runsDir;
            if (dir == null) {
                dir = org.lorastudio.notes.MarkdownConfig.load(notes, overrides).config().outputDir()
                        .map(p -> p.resolved()).orElse(parent.catalog(null).dir());
            }
            RunFolder run = RunPlanner.fromNotes(notes, dir, overrides, Instant.now());
            PrintWriter out = spec.commandLine().getOut();
            out.println("planned run " + run.id() + " from " + notes.getFileName() + "; write its goal in "
                    + run.notesFile().getFileName());
            out.println(run.dir());
            return 0;
        }
    }

    /** {@code runs fork RUN [--set key=value ...]}. */
    @Command(name = "fork", mixinStandardHelpOptions = true,
            description = "Plan a new run from a past one plus changes; the notes list the changed keys.")
    static final class Fork implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        RunsDirOption runsOption;

        @Parameters(paramLabel = "RUN", description = "The run to start from: id, unique part of one, or folder.")
        String run;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change a key (repeatable).")
        List<String> overrides = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            RunFolder from = parent.catalog(runsOption.runsDir).resolve(run);
            RunFolder child = RunPlanner.fork(from, overrides, Instant.now());
            PrintWriter out = spec.commandLine().getOut();
            List<String> keys = RunNotes.configChanges(child).keys();
            out.println("forked " + from.id() + " as " + child.id() + (keys.isEmpty() ? " (same config)"
                    : " (changed: " + String.join(", ", keys) + ")"));
            out.println(child.dir());
            return 0;
        }
    }

    /** {@code runs report RUN... --format md|html [--out FILE]}. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "One or more runs as Markdown or a self-contained HTML page: metrics, config differences,"
                    + " overlaid loss curves, sample grids and notes.")
    static final class Report implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        RunsDirOption runsOption;

        @Option(names = "--format", paramLabel = "md|html", defaultValue = "md",
                converter = ReportFormatConverter.class,
                description = "md: Markdown with the plot next to it; html: one file, images embedded (default md).")
        RunReport.Format format;

        @Option(names = "--out", paramLabel = "FILE", description = "Report file (default: report.md or report.html).")
        Path out;

        @Parameters(arity = "1..*", paramLabel = "RUN", description = "Runs: ids, unique parts of ids, or folders.")
        List<String> runs;

        @Override
        public Integer call() throws IOException {
            RunCatalog catalog = parent.catalog(runsOption.runsDir);
            List<RunFolder> folders = runs.stream().map(catalog::resolve).toList();
            Path file = out != null ? out : Path.of("report." + format.extension());
            List<Path> written = RunReport.write(folders, format, file, Instant.now());
            written.forEach(p -> spec.commandLine().getOut().println("wrote " + p));
            return 0;
        }
    }

    /** {@code runs export RUN [--with-weights] [--out FILE.zip]}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Pack a run into one zip with a MANIFEST.sha256 (weights only with --with-weights).")
    static final class Export implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        OneRun target;

        @Option(names = "--with-weights", description = "Include LoRA files and checkpoints/.")
        boolean withWeights;

        @Option(names = "--out", paramLabel = "FILE.zip", description = "Zip file (default: <run-id>.zip here).")
        Path out;

        @Override
        public Integer call() throws IOException {
            RunFolder folder = target.folder(parent);
            Path zip = out != null ? out : Path.of(folder.id().value() + ".zip");
            RunExport.Result r = RunExport.export(folder, zip, withWeights);
            List<String> problems = RunExport.verify(zip);
            if (!problems.isEmpty()) {
                throw new UserException("the export " + zip + " does not verify: " + problems.get(0));
            }
            spec.commandLine().getOut().println("exported " + r.files().size() + " files (" + bytes(r.bytes())
                    + (withWeights ? ", with weights" : ", without weights") + ") to " + zip
                    + "; verified against " + RunExport.MANIFEST);
            return 0;
        }
    }

    /** {@code runs git init}. */
    @Command(name = "git", mixinStandardHelpOptions = true, description = "Keep the workspace in Git.",
            subcommands = GitInit.class)
    static final class GitCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    /** {@code runs git init [--no-auto-commit]}. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make the workspace (the runs folder's parent) a Git repository that ignores weights, and"
                    + " commit every finished run from now on.")
    static final class GitInit implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        GitCommand git;

        @Mixin
        RunsDirOption runsOption;

        @Option(names = "--no-auto-commit", negatable = false,
                description = "Do not commit finished runs automatically (use 'runs commit').")
        boolean noAutoCommit;

        @Override
        public Integer call() throws IOException {
            Path ws = git.parent.workspace(runsOption.runsDir);
            boolean created = RunArchive.init(ws, !noAutoCommit);
            spec.commandLine().getOut().println((created ? "initialized Git repository in " : "updated Git "
                    + "repository in ") + ws + " (weights ignored; auto-commit of finished runs "
                    + (noAutoCommit ? "off" : "on") + ")");
            return 0;
        }
    }

    /** {@code runs commit RUN [-m MSG]}. */
    @Command(name = "commit", mixinStandardHelpOptions = true,
            description = "Commit a run's config, notes, run.json, metrics, samples and loss plot (never weights).")
    static final class Commit implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        OneRun target;

        @Option(names = {"-m", "--message"}, paramLabel = "MSG",
                description = "Commit message (default: '<name>: notes updated').")
        String message;

        @Override
        public Integer call() throws IOException {
            RunFolder folder = target.folder(parent);
            String msg = message != null ? message
                    : folder.record().name() + ": notes updated\n\nRun " + folder.id() + "\n";
            PrintWriter out = spec.commandLine().getOut();
            RunArchive.commit(target.workspace(parent), folder, msg).ifPresentOrElse(
                    c -> out.println("committed " + c.shortId() + " " + c.subject()),
                    () -> out.println("nothing to commit: run " + folder.id() + " is unchanged since its last commit"));
            return 0;
        }
    }

    /** {@code runs history RUN}. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "The commits that touched a run: date, short id, message.")
    static final class History implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @ParentCommand
        RunsCommand parent;

        @Mixin
        OneRun target;

        @Override
        public Integer call() throws IOException {
            RunFolder folder = target.folder(parent);
            List<RunArchive.CommitInfo> commits = RunArchive.history(target.workspace(parent), folder);
            PrintWriter out = spec.commandLine().getOut();
            if (commits.isEmpty()) {
                out.println("no commits touch run " + folder.id() + " yet ('runs commit " + target.run + "' makes one)");
                return 0;
            }
            DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
                    .withZone(ZoneId.systemDefault());
            List<List<String>> rows = commits.stream()
                    .map(c -> List.of(f.format(c.time()), c.shortId(), c.subject())).toList();
            out.print(Table.of(List.of("DATE", "COMMIT", "MESSAGE"), rows).text());
            return 0;
        }
    }

    /** Accepts {@code md}, {@code markdown} and {@code html}, in any case. */
    static final class ReportFormatConverter implements CommandLine.ITypeConverter<RunReport.Format> {
        @Override
        public RunReport.Format convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "md", "markdown" -> RunReport.Format.MARKDOWN;
                case "html", "htm" -> RunReport.Format.HTML;
                default -> throw new CommandLine.TypeConversionException(
                        "unknown format '" + value + "' (expected md or html)");
            };
        }
    }

    /** Accepts {@code text}, {@code markdown} and {@code md}, in any case. */
    static final class FormatConverter implements CommandLine.ITypeConverter<ReportFormat> {
        @Override
        public ReportFormat convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "text", "txt" -> ReportFormat.TEXT;
                case "markdown", "md" -> ReportFormat.MARKDOWN;
                default -> throw new CommandLine.TypeConversionException(
                        "unknown format '" + value + "' (expected text or markdown)");
            };
        }
    }

    /** Bytes in a unit people read: {@code 12.3 MB}. */
    static String bytes(long n) {
        if (n < 0) {
            return "size unknown";
        }
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** The {@code --runs-dir} option every {@code runs} subcommand accepts (overrides the parent's and the default). */
    static final class RunsDirOption {
        @Option(names = "--runs-dir", paramLabel = "DIR", description = "Runs folder (overrides the default).")
        Path runsDir;
    }

    /** {@code [--runs-dir DIR] RUN}: the one run a subcommand works on. */
    static final class OneRun {
        @Mixin
        RunsDirOption runsOption;

        @Parameters(paramLabel = "RUN", description = "Run id, a unique part of one, or a run folder.")
        String run;

        RunFolder folder(RunsCommand parent) {
            return parent.catalog(runsOption.runsDir).resolve(run);
        }

        Path workspace(RunsCommand parent) {
            return parent.workspace(runsOption.runsDir);
        }
    }
}
