package org.lorastudio.notes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.lorastudio.compare.Formats;
import org.lorastudio.report.LossSummary;
import org.lorastudio.report.MarkdownLinks;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.ValidationCurve;

/**
 * The results the studio writes into a run's notes when it ends, completed, stopped or failed (SPEC §5, issue 5):
 * status and steps, smoothed final and minimum loss, epochs, duration, throughput, peak memory, the LoRA files, the
 * loss-curve picture and the samples as a prompt × step grid. Links are relative to the run folder, so the notes
 * render anywhere the folder goes. The block lives between {@link MarkedSection#RESULTS} markers, so a resumed run
 * that ends again replaces it instead of adding a second one. Pure: built from values, rendered to text.
 *
 * @param record the run's {@code run.json} at its end
 * @param loss the loss summary from the metrics log
 * @param loraFiles LoRA weight file names in the run folder
 * @param lossPlot the loss plot's path relative to the run folder, if one was drawn
 * @param sampleGrid the sample grid as Markdown, if the run made samples
 * @param validation the validation loss from the metrics log (empty when the run held nothing out)
 * @param hardest the images with the highest mean loss, highest first (empty when not recorded)
 */
public record ResultsSection(RunRecord record, LossSummary loss, List<String> loraFiles, Optional<String> lossPlot,
                             Optional<String> sampleGrid, ValidationCurve validation,
                             List<PerImageLoss.Entry> hardest) {
    /** Images named in the Results line of the highest per-image losses. */
    static final int HARDEST_SHOWN = 3;

    /** LoRA files listed by name; a run saving every 50 steps would otherwise fill the page. */
    static final int MAX_LORA_FILES = 8;

    public ResultsSection {
        loraFiles = List.copyOf(loraFiles);
        hardest = List.copyOf(hardest.subList(0, Math.min(HARDEST_SHOWN, hardest.size())));
    }

    /** The Markdown between the markers. */
    public String content() {
        FinalMetrics m = record.finalMetrics();
        List<String> lines = new ArrayList<>();
        lines.add("- **Status:** " + record.status().label() + " after " + steps()
                + (loss.lastEpoch() > 0 ? " (epoch " + loss.lastEpoch() + ")" : ""));
        if (record.error() != null) {
            lines.add("- **Error:** " + record.error().replace('\n', ' '));
        }
        String ema = "EMA " + trim(loss.beta());
        lines.add("- **Loss** (smoothed, " + ema + "): final " + Formats.loss(loss.finalSmoothed())
                + ", minimum " + Formats.loss(loss.minSmoothed())
                + (loss.minStep() == null ? "" : " at step " + loss.minStep())
                + " — raw: last " + Formats.loss(loss.lastRaw()) + ", minimum " + Formats.loss(loss.minRaw()));
        validation.last().ifPresent(last -> lines.add("- **Validation loss:** " + Formats.loss(last.loss())
                + " at step " + last.step() + validation.best().map(b -> ", minimum " + Formats.loss(b.loss())
                + " at step " + b.step()).orElse("") + " (" + validation.points().size() + " measurements)"));
        if (!hardest.isEmpty()) {
            lines.add("- **Highest-loss images** (mean over the run): " + String.join(", ", hardest.stream()
                    .map(e -> e.image() + " " + Formats.loss(e.meanLoss())).toList())
                    + " — `lorastudio runs show " + record.id() + " --per-image` lists all");
        }
        Double seconds = m != null && m.durationSeconds() != null ? m.durationSeconds()
                : record.duration(Instant.now()).map(d -> d.toMillis() / 1000.0).orElse(null);
        lines.add("- **Duration:** " + Formats.duration(seconds)
                + " · **Throughput:** " + (m == null || m.itemsPerSecond() == null ? "not measured"
                : String.format(Locale.ROOT, "%.2f items/s", m.itemsPerSecond()))
                + " · **Peak memory:** " + (m == null || m.peakMemoryBytes() == null ? "not measured"
                : Formats.bytes(m.peakMemoryBytes())));
        if (record.device() != null) {
            lines.add("- **Device:** " + record.device() + (record.precision() == null ? ""
                    : ", precision " + record.precision()));
        }
        lines.add("- **LoRA files:** " + (loraFiles.isEmpty() ? "none written" : files()));
        StringBuilder sb = new StringBuilder(String.join("\n", lines)).append('\n');
        lossPlot.ifPresent(p -> sb.append("\n![Loss curve: raw and smoothed (").append(ema).append(")](")
                .append(MarkdownLinks.encode(p)).append(")\n"));
        sampleGrid.ifPresent(g -> sb.append("\n**Samples** (prompt × step):\n\n").append(g));
        return sb.toString();
    }

    /** {@code notes} with this block in place (see {@link MarkedSection#insertInto}). */
    public String insertInto(String notes) {
        return MarkedSection.RESULTS.insertInto(notes, content());
    }

    private String steps() {
        return record.totalSteps() > 0 ? record.stepsDone() + " of " + record.totalSteps() + " steps"
                : record.stepsDone() + " steps";
    }

    private String files() {
        List<String> links = loraFiles.stream().limit(MAX_LORA_FILES)
                .map(f -> "[" + f + "](" + MarkdownLinks.encode(f) + ")").toList();
        String more = loraFiles.size() > MAX_LORA_FILES ? " and " + (loraFiles.size() - MAX_LORA_FILES) + " more"
                : "";
        return String.join(", ", links) + more + " (weights are not in Git; `runs export --with-weights` packs them)";
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
