package org.lorastudio.cli.runs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.lorastudio.report.RunReport;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunFolder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runs report RUN... --format md|html [--out FILE]}. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "One or more runs as Markdown or a self-contained HTML page: metrics, config differences,"
                + " overlaid loss curves, sample grids and notes.")
final class RunsReportCommand implements Callable<Integer> {
    @Mixin
    RunsContext context;

    @Option(names = "--format", paramLabel = "md|html", defaultValue = "md",
            converter = ReportFormatConverter.class,
            description = "md: Markdown with the plot next to it; html: one file, images embedded (default md).")
    RunReport.Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Report file (default: report.md or report.html).")
    Path out;

    @Option(names = "--sweep", paramLabel = "S,S,...", split = ",",
            description = "first draw each image run's sample prompts with its final LoRA at these strengths (e.g."
                    + " 0,0.25,0.5,0.75,1) into <run>/sweep/, and show them in the report")
    List<Float> sweep;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Runs: ids, unique parts of ids, or folders.")
    List<String> runs;

    @Override
    public Integer call() throws IOException {
        RunCatalog catalog = context.catalog();
        List<RunFolder> folders = runs.stream().map(catalog::resolve).toList();
        if (sweep != null) {
            if (sweep.isEmpty() || sweep.stream().anyMatch(v -> !Float.isFinite(v) || Math.abs(v) > 10)) {
                throw new org.lorastudio.util.UserException("--sweep must be strengths in -10..10 separated by"
                        + " commas, e.g. 0,0.5,1; found " + sweep);
            }
            for (RunFolder f : folders) {
                SweepImages.draw(f, sweep, context.out());
            }
        }
        Path file = out != null ? out : Path.of("report." + format.extension());
        List<Path> written = RunReport.write(folders, format, file, Instant.now());
        written.forEach(p -> context.out().println("wrote " + p));
        return 0;
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
}
