package org.lorastudio.report;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataSet;
import org.lorastudio.compare.ConfigDiff;
import org.lorastudio.compare.FlatConfig;
import org.lorastudio.compare.Formats;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.compare.Table;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.SampleIndex;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * One or several runs as a document to share ({@code runs report}): the summary metrics, the config keys that
 * differ, the loss curves overlaid in one plot, each run's sample grid, and each run's notes — the same content as
 * the studio's Compare screen (SPEC §7).
 *
 * <p>Markdown reports reference images by relative path: the plot is written next to the report
 * ({@code <name>-loss.png}), samples are linked where they are in the run folders, so the report renders in place
 * (for example inside the workspace repository on GitHub). HTML reports are a <em>single self-contained file</em>:
 * every local image (the plot and the samples) is embedded as a {@code data:} URI, so the file can be mailed or
 * attached without the run folders; links to other files stay relative.
 */
public final class RunReport {
    /** Output formats. */
    public enum Format {
        MARKDOWN("md"),
        HTML("html");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /** Embedding a bigger picture would make the "single shareable file" impractical to send. */
    static final long MAX_EMBED_BYTES = 16L << 20;
    private static final Pattern LINK = Pattern.compile("(!?\\[[^\\]\\n]*\\]\\()([^)\\s]+)((?:\\s+\"[^\"]*\")?\\))");
    private static final Pattern IMG_SRC = Pattern.compile("(<img\\b[^>]*?\\bsrc=\")([^\"]+)(\")");
    private static final Map<String, String> MIME = Map.of("png", "image/png", "jpg", "image/jpeg",
            "jpeg", "image/jpeg", "webp", "image/webp", "gif", "image/gif");

    private RunReport() {
    }

    /**
     * Writes the report of {@code runs} (at least one, all different) to {@code out}; returns every file written
     * (the report, and for Markdown the plot next to it).
     */
    public static List<Path> write(List<RunFolder> runs, Format format, Path out, Instant now) throws IOException {
        if (runs.isEmpty()) {
            throw new UserException("a report needs at least one run");
        }
        Set<String> ids = new HashSet<>();
        for (RunFolder r : runs) {
            if (!ids.add(r.id().value())) {
                throw new UserException("run " + r.id() + " is given twice; a report needs different runs");
            }
        }
        Path outDir = out.toAbsolutePath().normalize().getParent();
        String stem = out.getFileName().toString().replaceFirst("\\.[^.]+$", "");
        String plotName = stem + "-loss.png";
        byte[] plot = plot(runs);
        String md = markdown(runs, outDir, plotName, now);
        if (format == Format.MARKDOWN) {
            Path plotFile = outDir.resolve(plotName);
            AtomicFiles.writeBytes(plotFile, plot);
            AtomicFiles.writeString(out, md);
            return List.of(out, plotFile);
        }
        AtomicFiles.writeString(out, html(md, outDir, Map.of(plotName, plot), title(runs)));
        return List.of(out);
    }

    /** The overlaid loss curves of the runs, one line per run, as PNG. */
    static byte[] plot(List<RunFolder> runs) {
        List<LossCurvePlot.Series> series = new ArrayList<>();
        for (RunFolder r : runs) {
            series.add(LossCurvePlot.Series.of(r.id().value(), r.metrics()));
        }
        String title = runs.size() == 1 ? "Loss: " + runs.get(0).record().name() : "Loss of " + runs.size() + " runs";
        return LossCurvePlot.png(series, LossCurvePlot.Options.defaults().withTitle(title));
    }

    /** The report as Markdown, with links relative to {@code outDir} and the plot at {@code plotLink}. */
    static String markdown(List<RunFolder> runs, Path outDir, String plotLink, Instant now) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title(runs)).append("\n\n");
        sb.append("_Report by LoRA Studio, ").append(now.toString(), 0, 10)
                .append(". Losses are smoothed with an exponential moving average (EMA ")
                .append(Smoothing.DEFAULT_BETA).append(")._\n\n");
        sb.append("## Runs\n\n").append(summaryTable(runs)).append('\n');
        sb.append(configSection(runs)).append('\n');
        sb.append("## Loss curves\n\n![Loss curves (raw and smoothed, EMA ").append(Smoothing.DEFAULT_BETA)
                .append(")](").append(MarkdownLinks.encode(plotLink)).append(")\n\n");
        sb.append("## Samples\n\n");
        for (RunFolder r : runs) {
            sb.append("### ").append(label(r)).append("\n\n");
            SampleIndex idx = SampleIndex.read(r.samplesDir());
            sb.append(SampleGrid.markdown(idx, f -> MarkdownLinks.relative(outDir, f), SampleGrid.MAX_STEPS)
                    .orElse("_No samples._\n")).append('\n');
        }
        List<String> sweeps = new ArrayList<>();
        for (RunFolder r : runs) {
            StrengthSweep.markdown(r.dir(), f -> MarkdownLinks.relative(outDir, f))
                    .ifPresent(t -> sweeps.add("### " + label(r) + "\n\n" + t));
        }
        if (!sweeps.isEmpty()) {
            sb.append("## Strength sweep\n\n_The final LoRA at each strength, on the run's sample prompts, seed and"
                    + " steps._\n\n").append(String.join("\n", sweeps)).append('\n');
        }
        sb.append("## Notes\n");
        for (RunFolder r : runs) {
            sb.append("\n### ").append(label(r)).append("\n\n");
            String notes = r.notesText();
            sb.append(notes.isBlank() ? "_No notes._\n"
                    : rebaseLinks(demoteHeadings(notes, 3), MarkdownLinks.relative(outDir, r.dir())));
            if (!notes.endsWith("\n")) {
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String title(List<RunFolder> runs) {
        List<String> names = runs.stream().map(r -> r.record().name()).distinct().toList();
        return "Run report: " + String.join(", ", names) + (runs.size() > 1 ? " (" + runs.size() + " runs)" : "");
    }

    private static String label(RunFolder r) {
        return "`" + r.id().value() + "`";
    }

    private static String summaryTable(List<RunFolder> runs) {
        Instant now = Instant.now();
        List<String> header = new ArrayList<>(List.of("run", "name", "status", "steps", "final loss", "min loss",
                "duration", "parent"));
        List<List<String>> rows = new ArrayList<>();
        for (RunFolder r : runs) {
            RunRecord rec = r.record();
            List<MetricPoint> points = r.metrics();
            RunSummary s = RunSummary.of(rec, points, now);
            LossSummary loss = LossSummary.of(points, Smoothing.DEFAULT_BETA);
            rows.add(List.of(rec.id(), rec.name(), s.status(), s.stepsText(),
                    loss.finalSmoothed() != null ? Formats.loss(loss.finalSmoothed()) : Formats.loss(s.finalLoss()),
                    loss.minSmoothed() != null ? Formats.loss(loss.minSmoothed()) : Formats.loss(s.minLoss()),
                    Formats.duration(s.durationSeconds()), rec.parentRunId() == null ? "—" : rec.parentRunId()));
        }
        return new Table(header, rows, List.of(false, false, false, true, true, true, true, false)).markdown();
    }

    private static String configSection(List<RunFolder> runs) {
        List<String> ids = runs.stream().map(r -> r.id().value()).toList();
        List<FlatConfig> configs = runs.stream()
                .map(r -> FlatConfig.parse(r.configText(), "config.yaml of run " + r.id())).toList();
        if (runs.size() == 1) {
            List<List<String>> rows = new ArrayList<>();
            configs.get(0).values().forEach((k, v) -> rows.add(List.of(k, v.text())));
            return "## Config\n\n" + Table.of(List.of("key", "value"), rows).markdown();
        }
        ConfigDiff diff = ConfigDiff.of(ids, configs);
        if (diff.isEmpty()) {
            return "## Config differences\n\nAll " + diff.totalKeys() + " keys are the same.\n";
        }
        List<String> header = new ArrayList<>(List.of("key"));
        header.addAll(ids);
        List<List<String>> rows = new ArrayList<>();
        for (ConfigDiff.Row row : diff.rows()) {
            List<String> cells = new ArrayList<>(List.of(row.key()));
            cells.addAll(row.values());
            rows.add(cells);
        }
        return "## Config differences (" + diff.rows().size() + " of " + diff.totalKeys() + " keys)\n\n"
                + Table.of(header, rows).markdown();
    }

    /** Shifts ATX headings so that a run's notes nest under the report's own ({@code #} becomes {@code ###}). */
    static String demoteHeadings(String markdown, int topLevel) {
        StringBuilder sb = new StringBuilder();
        boolean fenced = false;
        int add = topLevel - 1;
        for (String line : markdown.split("\n", -1)) {
            String t = line.stripLeading();
            if (t.startsWith("```") || t.startsWith("~~~")) {
                fenced = !fenced;
            }
            if (!fenced && line.matches("#{1,6}\\s.*")) {
                int level = line.indexOf(' ');
                line = "#".repeat(Math.min(6, level + add)) + line.substring(level);
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** Prefixes relative link targets of a run's notes with the way from the report to the run folder. */
    static String rebaseLinks(String markdown, String runDirLink) {
        Matcher m = LINK.matcher(markdown);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String target = m.group(2);
            String rebased = isRelative(target) ? runDirLink + "/" + target : target;
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + rebased + m.group(3)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isRelative(String target) {
        String t = target.toLowerCase(Locale.ROOT);
        return !(t.startsWith("#") || t.startsWith("/") || t.matches("[a-z][a-z0-9+.-]*:.*"));
    }

    /**
     * Renders Markdown to a standalone HTML page with flexmark, embedding every local image as a {@code data:} URI
     * ({@code generated} holds images that exist only in memory, by link).
     */
    static String html(String markdown, Path baseDir, Map<String, byte[]> generated, String title) throws IOException {
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, List.of(TablesExtension.create()));
        Parser parser = Parser.builder(options).build();
        HtmlRenderer renderer = HtmlRenderer.builder(options).build();
        String body = renderer.render(parser.parse(markdown));
        Matcher m = IMG_SRC.matcher(body);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String src = htmlUnescape(m.group(2));
            String replaced = embed(src, baseDir, generated).orElse(m.group(2));
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replaced + m.group(3)));
        }
        m.appendTail(sb);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
                + escapeHtml(title) + "</title>\n<style>\n"
                + "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
                + "line-height:1.5;color:#222}\n"
                + "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:4px 8px;"
                + "vertical-align:top}\n"
                + "th{background:#f4f4f4}img{max-width:100%}td img{max-width:220px}\n"
                + "code{background:#f4f4f4;padding:0 3px}\n"
                + "</style>\n</head>\n<body>\n" + sb + "</body>\n</html>\n";
    }

    private static Optional<String> embed(String src, Path baseDir, Map<String, byte[]> generated)
            throws IOException {
        if (src.startsWith("data:")) {
            return Optional.empty();
        }
        String path = URLDecoder.decode(src.replace("+", "%2B"), StandardCharsets.UTF_8);
        byte[] bytes = generated.get(path);
        if (bytes == null) {
            if (!isRelative(src)) {
                return Optional.empty();
            }
            Path file = baseDir.resolve(path).normalize();
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_EMBED_BYTES) {
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        }
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String mime = MIME.get(ext);
        if (mime == null) {
            return Optional.empty();
        }
        return Optional.of("data:" + mime + ";base64," + Base64.getEncoder().encodeToString(bytes));
    }

    private static String htmlUnescape(String s) {
        return s.replace("&amp;", "&").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">");
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
