package org.lorastudio.reliability.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Line- and field-aware mutations for text formats (YAML, CSV, JSON lines): lines doubled, dropped, swapped,
 * re-indented or cut at a separator, fields moved between lines, line endings changed. They keep most of the file
 * well-formed, so the reader's later checks (keys, types, paths) see the hostile part.
 */
final class TextMutation {
    private TextMutation() {
    }

    static byte[] lines(byte[] input, Mutator m) {
        SplittableRandom r = m.random();
        List<String> lines = new ArrayList<>(Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\n", -1)));
        if (lines.isEmpty()) {
            return null;
        }
        int i = r.nextInt(lines.size());
        int j = r.nextInt(lines.size());
        String line = lines.get(i);
        switch (r.nextInt(9)) {
            case 0 -> lines.add(j, line);
            case 1 -> lines.remove(i);
            case 2 -> {
                lines.set(i, lines.get(j));
                lines.set(j, line);
            }
            case 3 -> lines.set(i, " ".repeat(r.nextInt(5)) + line.stripLeading());
            case 4 -> {
                // keep the key (or the first fields), take the value from another line
                int cut = firstSeparator(line);
                String other = lines.get(j);
                int otherCut = firstSeparator(other);
                if (cut >= 0 && otherCut >= 0) {
                    lines.set(i, line.substring(0, cut) + other.substring(otherCut));
                }
            }
            case 5 -> lines.set(i, line + (r.nextBoolean() ? "\r" : "\u2028"));
            case 6 -> {
                byte[] token = m.mutate(line.getBytes(StandardCharsets.UTF_8), 1);
                lines.set(i, new String(token, StandardCharsets.UTF_8));
            }
            case 7 -> lines.set(i, line.repeat(2 + r.nextInt(3)));
            default -> {
                int cut = firstSeparator(line);
                if (cut >= 0) {
                    lines.set(i, line.substring(0, cut + 1) + " " + new String(m.replaceNumber(
                            line.substring(cut + 1).getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
                }
            }
        }
        String joined = String.join(r.nextInt(6) == 0 ? "\r\n" : "\n", lines);
        return joined.getBytes(StandardCharsets.UTF_8);
    }

    private static int firstSeparator(String line) {
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (c == ':' || c == ',') {
                return k;
            }
        }
        return -1;
    }
}
