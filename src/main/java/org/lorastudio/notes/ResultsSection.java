package org.lorastudio.notes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results the studio writes into a run's notes when it ends (SPEC §5: "final/min loss, steps, duration,
 * links to samples"). The block goes under the notes' {@code ## Results} heading, so the user's own text in
 * every other section stays where it is; it is marked so that a resumed run replaces it instead of adding a
 * second one.
 *
 * @param status how the run ended
 * @param stepsDone optimizer steps completed
 * @param totalSteps planned steps (0 when unknown)
 * @param finalLoss loss at the last step, or null
 * @param minLoss lowest loss, or null
 * @param durationSeconds run time, or null
 * @param samples sample files relative to the run folder, linked from the notes
 */
public record ResultsSection(String status, long stepsDone, long totalSteps, Double finalLoss, Double minLoss,
                             Double durationSeconds, List<String> samples) {
    static final String BEGIN = "<!-- results:begin (written by LoRA Studio when the run ends) -->";
    static final String END = "<!-- results:end -->";
    private static final String HEADING = "## Results";

    public ResultsSection {
        samples = List.copyOf(samples);
    }

    /** The Markdown block, between its markers. */
    public String markdown() {
        List<String> lines = new ArrayList<>();
        lines.add(BEGIN);
        lines.add("- Status: " + status);
        lines.add("- Steps: " + (totalSteps > 0 ? stepsDone + " of " + totalSteps : Long.toString(stepsDone)));
        lines.add("- Final loss: " + number(finalLoss));
        lines.add("- Min loss: " + number(minLoss));
        lines.add("- Duration: " + duration(durationSeconds));
        if (!samples.isEmpty()) {
            lines.add("- Samples: " + String.join(", ", samples.stream()
                    .map(s -> "[" + s + "](" + s.replace(" ", "%20") + ")").toList()));
        }
        lines.add(END);
        return String.join("\n", lines) + "\n";
    }

    /**
     * {@code notes} with this block in place: replacing an earlier block, else right after the
     * {@code ## Results} heading (and its one-line hint, if it is still there), else appended as a new section.
     */
    public String insertInto(String notes) {
        String block = markdown();
        int begin = notes.indexOf(BEGIN);
        int end = notes.indexOf(END);
        if (begin >= 0 && end > begin) {
            int after = end + END.length();
            if (after < notes.length() && notes.charAt(after) == '\n') {
                after++;
            }
            return notes.substring(0, begin) + block + notes.substring(after);
        }
        int heading = headingAt(notes);
        if (heading < 0) {
            String sep = notes.isEmpty() || notes.endsWith("\n\n") ? "" : notes.endsWith("\n") ? "\n" : "\n\n";
            return notes + sep + HEADING + "\n\n" + block;
        }
        int pos = lineEnd(notes, heading);
        int next = skipBlankLines(notes, pos);
        if (next < notes.length() && notes.charAt(next) == '_') {
            pos = lineEnd(notes, next); // keep the template's hint above the results
        }
        return notes.substring(0, pos) + "\n" + block + notes.substring(pos);
    }

    private static int headingAt(String notes) {
        int from = 0;
        while (true) {
            int i = notes.indexOf(HEADING, from);
            if (i < 0) {
                return -1;
            }
            boolean lineStart = i == 0 || notes.charAt(i - 1) == '\n';
            int end = lineEnd(notes, i);
            if (lineStart && notes.substring(i, end).strip().equals(HEADING)) {
                return i;
            }
            from = i + HEADING.length();
        }
    }

    /** Index just after the newline ending the line at {@code i} (or the text's end). */
    private static int lineEnd(String s, int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 ? s.length() : nl + 1;
    }

    private static int skipBlankLines(String s, int i) {
        int k = i;
        while (k < s.length() && (s.charAt(k) == '\n' || s.charAt(k) == ' ' || s.charAt(k) == '\r')) {
            k++;
        }
        return k;
    }

    private static String number(Double v) {
        return v == null ? "not measured" : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String duration(Double seconds) {
        if (seconds == null) {
            return "not measured";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, (s % 3600) / 60, s % 60);
    }
}
