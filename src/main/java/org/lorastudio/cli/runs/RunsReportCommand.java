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

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Runs: ids, unique parts of ids, or folders.")
    List<String> runs;

    @Override
    public Integer call() throws IOException {
        RunCatalog catalog = context.catalog();
        List<RunFolder> folders = runs.stream().map(catalog::resolve).toList();
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
