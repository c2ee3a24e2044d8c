package org.lorastudio.dataset;

import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code metadata.csv} / {@code metadata.jsonl}: the decoded content, one {@link Row} per data line
 * with the character span it came from, and every problem found. Rows keep spans rather than parsed values so
 * that changing one caption rewrites only that row and leaves every other byte of the file as it was.
 *
 * @param content    the decoded file without its BOM
 * @param bom        whether the file started with a UTF-8 BOM
 * @param lineEnding the file's line terminator (of its first line break)
 * @param columns    CSV header names; empty for JSONL
 * @param rows       data rows in file order, only those that parsed
 * @param problems   malformed lines and header problems, each naming the file and line
 */
record MetadataTable(String content, boolean bom, LineEnding lineEnding, List<String> columns, List<Row> rows,
                     List<DatasetProblem> problems) {
    MetadataTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        problems = List.copyOf(problems);
    }

    /**
     * One data row.
     *
     * @param line     1-based line where the row starts
     * @param fileName the {@code file_name} value exactly as written
     * @param text     the {@code text} value with {@code \n} line breaks; empty when the row has none
     * @param start    offset of the row's first character in {@link #content}
     * @param end      offset just past its last character, before the line terminator
     */
    record Row(int line, String fileName, Optional<String> text, int start, int end) {
    }

    boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }
}
