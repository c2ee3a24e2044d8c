package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetChecker;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.DatasetReport;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.dataset.DatasetSummary;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.Tags;
import org.lorastudio.util.UserException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lorastudio dataset check|tags}: the dataset report of the studio on the command line (SPEC §8). */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Check an image dataset folder and list its caption tags.",
        subcommands = {DatasetCommand.Check.class, DatasetCommand.TagTable.class})
final class DatasetCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Output formats of {@code dataset check}. */
    enum Format {
        TEXT,
        JSON
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check every image and caption of a dataset folder: unreadable or truncated images, "
                    + "small images, duplicates, missing or empty captions, orphan caption files and metadata "
                    + "rows that leave the folder or name missing files.",
                    "Exits 0 when there are no errors (warnings allowed), 1 when there are errors."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "the dataset folder")
        Path dir;

        @Option(names = "--resolution", paramLabel = "N", defaultValue = "" + DatasetChecker.DEFAULT_RESOLUTION,
                description = "training resolution; images with a side below it are reported (default: "
                        + "${DEFAULT-VALUE})")
        int resolution;

        @Option(names = "--metadata", paramLabel = "FILE",
                description = "metadata.csv or metadata.jsonl with file_name,text (default: the one in DIR, "
                        + "else <image>.txt captions)")
        Path metadata;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
                description = "text or json (default: ${DEFAULT-VALUE})")
        Format format;

        @Override
        public Integer call() throws IOException {
            if (resolution < 1) {
                throw new UserException("--resolution must be at least 1, found " + resolution);
            }
            Dataset dataset = DatasetScanner.scan(dir, Optional.ofNullable(metadata));
            DatasetReport report = new DatasetChecker(resolution).check(dataset);
            PrintWriter out = spec.commandLine().getOut();
            if (format == Format.JSON) {
                out.println(toJson(report));
            } else {
                printText(report, dataset, out);
            }
            out.flush();
            return report.hasErrors() ? 1 : 0;
        }

        private static void printText(DatasetReport report, Dataset dataset, PrintWriter out) {
            for (DatasetProblem p : report.problems()) {
                out.println(p);
            }
            if (!report.problems().isEmpty()) {
                out.println();
            }
            DatasetSummary s = report.summary();
            out.println("Dataset:     " + report.root());
            out.println("Images:      " + s.imageCount() + (s.trainingItemsPerEpoch() != s.imageCount()
                    ? " (" + s.trainingItemsPerEpoch() + " per epoch with repeats)" : ""));
            out.println("Resolutions: " + (s.resolutions().isEmpty() ? "-" : s.resolutionHistogram()));
            out.println("Captions:    " + s.captionedCount() + " of " + s.imageCount() + " images ("
                    + Math.round(s.captionCoverage() * 100) + "%) from " + dataset.metadataFile()
                    .map(p -> p.getFileName().toString()).orElse(".txt files"));
            out.println("Top tags:    " + (s.topTags().isEmpty() ? "-" : formatTags(s.topTags())));
            if (report.hasErrors()) {
                out.println("Result:      " + report.errorCount() + " error(s), " + report.warningCount()
                        + " warning(s); fix the errors before training");
            } else {
                out.println("Result:      no errors, " + report.warningCount() + " warning(s)");
            }
        }

        private static String formatTags(List<TagCount> tags) {
            List<String> parts = new ArrayList<>();
            for (TagCount t : tags) {
                parts.add(t.tag() + " (" + t.count() + ")");
            }
            return String.join(", ", parts);
        }

        private static String toJson(DatasetReport report) throws JsonProcessingException {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("root", report.root().toString());
            json.put("resolution", report.resolution());
            json.put("errors", report.errorCount());
            json.put("warnings", report.warningCount());
            List<Map<String, Object>> problems = new ArrayList<>();
            for (DatasetProblem p : report.problems()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("severity", p.severity().name());
                m.put("kind", p.kind().name().toLowerCase(Locale.ROOT));
                m.put("file", p.file());
                m.put("message", p.message());
                problems.add(m);
            }
            json.put("problems", problems);
            DatasetSummary s = report.summary();
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("images", s.imageCount());
            summary.put("training_items_per_epoch", s.trainingItemsPerEpoch());
            summary.put("captioned", s.captionedCount());
            summary.put("caption_coverage", s.captionCoverage());
            summary.put("caption_source", s.source().name().toLowerCase(Locale.ROOT));
            summary.put("resolutions", s.resolutions());
            List<Map<String, Object>> tags = new ArrayList<>();
            for (TagCount t : s.topTags()) {
                tags.add(Map.of("tag", t.tag(), "count", t.count()));
            }
            summary.put("top_tags", tags);
            json.put("summary", summary);
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        }
    }

    @Command(name = "tags", mixinStandardHelpOptions = true,
            description = "Print the caption tag frequency table (tags are the comma-separated parts of a "
                    + "caption; the count is the number of captions that contain the tag).")
    static final class TagTable implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "the dataset folder")
        Path dir;

        @Option(names = "--top", paramLabel = "N", description = "print only the N most frequent tags")
        Integer top;

        @Option(names = "--metadata", paramLabel = "FILE",
                description = "metadata.csv or metadata.jsonl (default: the one in DIR, else <image>.txt captions)")
        Path metadata;

        @Override
        public Integer call() throws IOException {
            if (top != null && top < 1) {
                throw new UserException("--top must be at least 1, found " + top);
            }
            Dataset dataset = DatasetScanner.scan(dir, Optional.ofNullable(metadata));
            List<String> captions = dataset.items().stream().flatMap(i -> i.caption().stream()).toList();
            List<TagCount> table = top == null ? Tags.frequencies(captions) : Tags.top(captions, top);
            PrintWriter out = spec.commandLine().getOut();
            if (dataset.hasErrors()) {
                spec.commandLine().getErr().println("note: the dataset has errors that may hide captions; run "
                        + "'lorastudio dataset check " + dir + "' to see them");
            }
            if (table.isEmpty()) {
                out.println("No tags: none of the " + dataset.items().size() + " images has a caption.");
            } else {
                out.printf("%7s  %s%n", "images", "tag");
                for (TagCount t : table) {
                    out.printf("%7d  %s%n", t.count(), t.tag());
                }
            }
            out.flush();
            return 0;
        }
    }
}
