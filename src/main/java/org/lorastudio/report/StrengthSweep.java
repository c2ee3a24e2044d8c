package org.lorastudio.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run's LoRA strength sweep as stored in {@code <run>/sweep/} ({@code p<prompt>-s<strength>.png} and
 * {@code prompts.txt}, drawn by {@code runs report --sweep}) and its Markdown table for the report: one row per
 * prompt, one column per strength, so the style is seen fading in from 0 to 1.
 */
public final class StrengthSweep {
    public static final String DIR = "sweep";
    public static final String PROMPTS = "prompts.txt";
    public static final int MAX_PROMPTS = 2;
    private static final Pattern FILE = Pattern.compile("p(\\d+)-s(-?[0-9]+(?:\\.[0-9]+)?)\\.png");

    private StrengthSweep() {
    }

    /** The file of prompt {@code prompt} at {@code strength}: {@code p0-s0.5.png}, {@code p1-s1.png}. */
    public static String fileName(int prompt, float strength) {
        return "p" + prompt + "-s" + trim(strength) + ".png";
    }

    static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceFirst("0+$", "").replaceFirst("\\.$", "");
        return s.equals("-0") ? "0" : s;
    }

    /** The sweep table of the run in {@code runDir}, links made by {@code link}; empty when it has no sweep. */
    public static Optional<String> markdown(Path runDir, Function<Path, String> link) {
        Path dir = runDir.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<String> prompts;
        TreeSet<Double> strengths = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            prompts = Files.isRegularFile(dir.resolve(PROMPTS)) ? Files.readAllLines(dir.resolve(PROMPTS))
                    .stream().filter(l -> !l.isBlank()).toList() : List.of();
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    strengths.add(Double.parseDouble(m.group(2)));
                }
            }
        } catch (IOException e) {
            return Optional.empty(); // an unreadable sweep folder: the report goes on without it
        }
        if (strengths.isEmpty() || prompts.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("| prompt |");
        StringBuilder rule = new StringBuilder("|---|");
        for (double s : strengths) {
            sb.append(" strength ").append(trim(s)).append(" |");
            rule.append("---|");
        }
        sb.append('\n').append(rule).append('\n');
        List<String> rows = new ArrayList<>();
        for (int p = 0; p < prompts.size(); p++) {
            StringBuilder row = new StringBuilder("| ").append(prompts.get(p).replace("|", "\\|")).append(" |");
            for (double s : strengths) {
                Path f = dir.resolve(fileName(p, (float) s));
                row.append(' ');
                if (Files.isRegularFile(f)) {
                    row.append("![").append(trim(s)).append("](").append(MarkdownLinks.encode(link.apply(f)))
                            .append(')');
                } else {
                    row.append('–');
                }
                row.append(" |");
            }
            rows.add(row.toString());
        }
        sb.append(String.join("\n", rows)).append('\n');
        return Optional.of(sb.toString());
    }
}
