package org.lorastudio.compare;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.lorastudio.util.UserException;

/**
 * Two or more runs side by side (SPEC §7 Compare, §8 {@code runs compare}): the config keys that differ and the
 * summary metrics of each run. Like Tribuo's provenance diff, the point is to answer "what changed between these
 * runs, and what did it do?" without reading two YAML files line by line.
 *
 * @param diff differing config keys
 * @param summaries one summary per run, in the same order as {@code diff.runs()}
 */
public record Comparison(ConfigDiff diff, List<RunSummary> summaries) {

    public Comparison {
        summaries = List.copyOf(summaries);
    }

    /** Compares runs (at least two, all different); {@code now} bounds the duration of running runs. */
    public static Comparison of(List<ComparedRun> runs, Instant now) {
        if (runs.size() < 2) {
            throw new UserException("compare needs at least two runs, got " + runs.size());
        }
        Set<String> seen = new HashSet<>();
        for (ComparedRun r : runs) {
            if (!seen.add(r.id())) {
                throw new UserException("run " + r.id() + " is given twice; compare needs different runs");
            }
        }
        List<String> ids = runs.stream().map(ComparedRun::id).toList();
        List<FlatConfig> configs = runs.stream()
                .map(r -> FlatConfig.parse(r.configYaml(), "config.yaml of run " + r.id())).toList();
        List<RunSummary> summaries = runs.stream().map(r -> RunSummary.of(r.record(), r.metrics(), now)).toList();
        return new Comparison(ConfigDiff.of(ids, configs), summaries);
    }

    /** The comparison as text or Markdown: the config difference table, then the metrics table. */
    public String render(ReportFormat format) {
        boolean md = format == ReportFormat.MARKDOWN;
        StringBuilder sb = new StringBuilder();
        String configTitle = diff.isEmpty()
                ? "Config: identical (" + diff.totalKeys() + " keys)"
                : "Config differences (" + diff.rows().size() + " of " + diff.totalKeys() + " keys)";
        sb.append(md ? "## " : "").append(configTitle).append(md ? "\n\n" : "\n");
        if (!diff.isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (ConfigDiff.Row r : diff.rows()) {
                List<String> row = new ArrayList<>();
                row.add(r.key());
                row.addAll(r.values());
                rows.add(row);
            }
            Table t = Table.of(header("key"), rows);
            sb.append(md ? t.markdown() : t.text());
        }
        sb.append('\n').append(md ? "## Metrics\n\n" : "Metrics\n");
        List<List<String>> metrics = new ArrayList<>(List.of(
                metricRow("status", RunSummary::status),
                metricRow("steps", RunSummary::stepsText),
                metricRow("final loss", s -> Formats.loss(s.finalLoss())),
                metricRow("min loss", s -> Formats.loss(s.minLoss()))));
        if (summaries.stream().anyMatch(s -> s.finalValLoss() != null)) {
            metrics.add(metricRow("final val loss", s -> Formats.loss(s.finalValLoss())));
            metrics.add(metricRow("min val loss", s -> Formats.loss(s.minValLoss())));
        }
        metrics.add(metricRow("duration", s -> Formats.duration(s.durationSeconds())));
        Table m = Table.of(header("metric"), metrics);
        sb.append(md ? m.markdown() : m.text());
        return sb.toString();
    }

    private List<String> header(String first) {
        List<String> h = new ArrayList<>();
        h.add(first);
        h.addAll(diff.runs());
        return h;
    }

    private List<String> metricRow(String label, Function<RunSummary, String> value) {
        List<String> row = new ArrayList<>();
        row.add(label);
        summaries.forEach(s -> row.add(value.apply(s)));
        return row;
    }
}
