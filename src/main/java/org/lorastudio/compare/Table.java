package org.lorastudio.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * A small table rendered as aligned plain text (for a terminal) or as a GitHub-flavoured Markdown table (for
 * notes and reports). Cells are single lines; line breaks inside a cell become spaces.
 *
 * @param header column titles
 * @param rows cells, each row as long as the header
 * @param rightAligned per column: align right (numbers) rather than left
 */
public record Table(List<String> header, List<List<String>> rows, List<Boolean> rightAligned) {

    public Table {
        header = List.copyOf(header);
        rows = rows.stream().map(r -> List.copyOf(r.stream().map(Table::oneLine).toList())).toList();
        rightAligned = List.copyOf(rightAligned);
        for (List<String> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("row has " + r.size() + " cells, header " + header.size());
            }
        }
        if (rightAligned.size() != header.size()) {
            throw new IllegalArgumentException("alignment for " + rightAligned.size() + " of "
                    + header.size() + " columns");
        }
    }

    /** A table with every column left-aligned. */
    public static Table of(List<String> header, List<List<String>> rows) {
        return new Table(header, rows, header.stream().map(h -> false).toList());
    }

    /** Columns padded to their widest cell, two spaces apart, a dashed line under the header. */
    public String text() {
        int[] widths = new int[header.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = width(header.get(c));
            for (List<String> r : rows) {
                widths[c] = Math.max(widths[c], width(r.get(c)));
            }
        }
        StringBuilder sb = new StringBuilder();
        appendTextRow(sb, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        appendTextRow(sb, rule, widths);
        rows.forEach(r -> appendTextRow(sb, r, widths));
        return sb.toString();
    }

    /** A Markdown table; {@code |} in cells is escaped, numbers columns are right-aligned ({@code ---:}). */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        appendMarkdownRow(sb, header);
        sb.append('|');
        for (boolean right : rightAligned) {
            sb.append(right ? " ---: |" : " --- |");
        }
        sb.append('\n');
        rows.forEach(r -> appendMarkdownRow(sb, r));
        return sb.toString();
    }

    private void appendTextRow(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - width(cell));
            if (c > 0) {
                line.append("  ");
            }
            line.append(rightAligned.get(c) ? pad + cell : cell + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    private static void appendMarkdownRow(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String cell : cells) {
            String escaped = cell.replace("\\", "\\\\").replace("|", "\\|");
            sb.append(' ').append(escaped.isEmpty() ? " " : escaped).append(" |");
        }
        sb.append('\n');
    }

    private static String oneLine(String cell) {
        return cell == null ? "" : cell.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** Display width in code points (a good approximation for Latin text and the — sign). */
    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
