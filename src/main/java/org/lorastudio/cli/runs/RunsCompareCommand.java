package org.lorastudio.cli.runs;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.lorastudio.compare.ComparedRun;
import org.lorastudio.compare.Comparison;
import org.lorastudio.compare.ReportFormat;
import org.lorastudio.run.RunCatalog;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runs compare RUN RUN...}. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Config keys that differ between runs, and their summary metrics.")
final class RunsCompareCommand implements Runnable {
    @Mixin
    RunsContext context;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", converter = FormatConverter.class,
            description = "text (aligned columns, default) or markdown (tables for notes).")
    ReportFormat format;

    @Parameters(arity = "2..*", paramLabel = "RUN",
            description = "Two or more runs: ids, unique parts of ids, or run folders.")
    List<String> runs;

    @Override
    public void run() {
        RunCatalog catalog = context.catalog();
        List<ComparedRun> loaded = runs.stream().map(catalog::resolve).map(ComparedRun::load).toList();
        context.out().print(Comparison.of(loaded, Instant.now()).render(format));
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
}
