package org.lorastudio.cli.runs;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import org.lorastudio.compare.Formats;
import org.lorastudio.compare.Lineage;
import org.lorastudio.compare.RunSummary;
import org.lorastudio.compare.Table;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunEntry;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunListing;
import org.lorastudio.run.RunRecord;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code runs list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Table of all runs: id, name, status, steps, final loss, duration.")
final class RunsListCommand implements Runnable {
    @Mixin
    RunsContext runs;

    @Option(names = "--grep", paramLabel = "TEXT",
            description = "Only runs whose id, name, notes or config contain TEXT (ignoring case).")
    String grep;

    @Override
    public void run() {
        RunCatalog catalog = runs.catalog();
        PrintWriter out = runs.out();
        PrintWriter err = runs.err();
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
