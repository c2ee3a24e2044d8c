package org.lorastudio.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.lorastudio.compare.Table;
import org.lorastudio.run.SampleIndex;

/**
 * A run's samples as a Markdown table, one row per prompt and one column per step, so the progression reads left
 * to right (SPEC §7 Compare: "sample images from the same prompts and steps in a grid"). Pure: the caller says how a
 * file is linked (relative to the notes, or to a report).
 */
public final class SampleGrid {
    /** Columns that still fit a notes page on GitHub; a long run's steps are thinned evenly. */
    public static final int MAX_STEPS = 6;
    private static final int MAX_PROMPT_CHARS = 60;

    private SampleGrid() {
    }

    /**
     * The grid, or empty when there are no samples.
     *
     * @param index the samples
     * @param link how to reference a file from the Markdown being written (already URL-safe)
     * @param maxSteps most step columns
     */
    public static Optional<String> markdown(SampleIndex index, Function<Path, String> link, int maxSteps) {
        if (index.isEmpty()) {
            return Optional.empty();
        }
        List<Long> steps = index.gridSteps(maxSteps);
        List<String> header = new ArrayList<>();
        header.add("prompt");
        steps.forEach(s -> header.add("step " + s));
        List<List<String>> rows = new ArrayList<>();
        for (int p : index.promptIndices()) {
            List<String> row = new ArrayList<>();
            row.add(shorten(index.promptText(p)));
            for (long step : steps) {
                row.add(index.at(step, p).map(s -> cell(s, link)).orElse(""));
            }
            rows.add(row);
        }
        return Optional.of(Table.of(header, rows).markdown());
    }

    private static String cell(SampleIndex.Sample s, Function<Path, String> link) {
        String target = link.apply(s.file());
        String alt = "step " + s.step() + ", prompt " + (s.prompt() + 1);
        return s.isText() ? "[" + alt + "](" + target + ")" : "![" + alt + "](" + target + ")";
    }

    private static String shorten(String prompt) {
        String one = prompt.replaceAll("\\s+", " ").strip();
        return one.length() <= MAX_PROMPT_CHARS ? one : one.substring(0, MAX_PROMPT_CHARS - 1) + "…";
    }
}
