package org.lorastudio.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code metadata.csv} in RFC 4180 form: a header naming at least {@code file_name} and {@code text}, fields
 * separated by commas, fields containing commas, quotes or line breaks enclosed in double quotes with inner
 * quotes doubled. Records end with CRLF or LF. Parsing is strict (a quote inside an unquoted field, text after a
 * closing quote, a quote never closed, a wrong field count) and every malformed record is reported by line.
 */
final class CsvMetadata {
    private CsvMetadata() {
    }

    /** One record: field values, their raw text as written, and its span and line. */
    private record Record(List<String> values, List<String> raw, int start, int end, int line,
                          Optional<String> error) {
        boolean blank() {
            return values.size() == 1 && raw.get(0).isEmpty() && error.isEmpty();
        }
    }

    /** A small cursor over the content that counts lines as it goes. */
    private static final class Cursor {
        final String s;
        int pos;
        int line = 1;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        boolean atRecordEnd() {
            return atEnd() || s.charAt(pos) == '\n' || (s.charAt(pos) == '\r' && pos + 1 < s.length()
                    && s.charAt(pos + 1) == '\n');
        }

        /** Consumes a CRLF or LF record terminator, if present. */
        void skipTerminator() {
            if (!atEnd() && s.charAt(pos) == '\r') {
                pos++;
            }
            if (!atEnd() && s.charAt(pos) == '\n') {
                pos++;
                line++;
            }
        }

        /** After an error: skip to the end of the current physical line. */
        void skipLine() {
            while (!atRecordEnd()) {
                pos++;
            }
        }
    }

    static MetadataTable parse(String content, boolean bom, String label) {
        Cursor c = new Cursor(content);
        List<DatasetProblem> problems = new ArrayList<>();
        List<String> columns = List.of();
        List<MetadataTable.Row> rows = new ArrayList<>();
        int fileIdx = -1;
        int textIdx = -1;
        boolean haveHeader = false;
        while (!c.atEnd()) {
            Record r = readRecord(c);
            c.skipTerminator();
            if (r.blank()) {
                continue;
            }
            String where = label + ":" + r.line();
            if (r.error().isPresent()) {
                problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, where, r.error().get()));
                if (!haveHeader) {
                    return new MetadataTable(content, bom, LineEnding.detect(content, LineEnding.LF), columns,
                            rows, problems);
                }
                continue;
            }
            if (!haveHeader) {
                haveHeader = true;
                columns = r.values().stream().map(String::strip).toList();
                fileIdx = columns.indexOf(MetadataFormat.FILE_NAME);
                textIdx = columns.indexOf(MetadataFormat.TEXT);
                if (fileIdx < 0 || textIdx < 0) {
                    problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, where,
                            "the header must name the columns 'file_name' and 'text' (found: "
                                    + String.join(",", columns) + "); fix the first line"));
                    break;
                }
                continue;
            }
            if (r.values().size() != columns.size()) {
                problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, where, "has " + r.values().size()
                        + " fields but the header has " + columns.size()
                        + "; enclose fields that contain commas in double quotes"));
                continue;
            }
            String text = r.values().get(textIdx).replace("\r\n", "\n");
            rows.add(new MetadataTable.Row(r.line(), r.values().get(fileIdx), Optional.of(text), r.start(), r.end()));
        }
        if (!haveHeader) {
            problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, label,
                    "the file is empty; it needs a header line 'file_name,text' and one row per image"));
        }
        return new MetadataTable(content, bom, LineEnding.detect(content, LineEnding.LF), columns, rows, problems);
    }

    private static Record readRecord(Cursor c) {
        int start = c.pos;
        int line = c.line;
        List<String> values = new ArrayList<>();
        List<String> raw = new ArrayList<>();
        while (true) {
            int fieldStart = c.pos;
            Optional<String> error;
            StringBuilder value = new StringBuilder();
            if (!c.atEnd() && c.s.charAt(c.pos) == '"') {
                error = readQuoted(c, value, line);
            } else {
                error = readUnquoted(c, value);
            }
            values.add(value.toString());
            raw.add(c.s.substring(fieldStart, c.pos));
            if (error.isPresent()) {
                if (!c.atEnd()) {
                    c.skipLine();
                }
                return new Record(values, raw, start, c.pos, line, error);
            }
            if (c.atRecordEnd()) {
                return new Record(values, raw, start, c.pos, line, Optional.empty());
            }
            c.pos++; // the comma
        }
    }

    private static Optional<String> readQuoted(Cursor c, StringBuilder value, int recordLine) {
        c.pos++; // opening quote
        while (true) {
            if (c.atEnd()) {
                return Optional.of("a quoted field opened on line " + recordLine + " is never closed; "
                        + "add the closing double quote");
            }
            char ch = c.s.charAt(c.pos);
            if (ch == '"') {
                if (c.pos + 1 < c.s.length() && c.s.charAt(c.pos + 1) == '"') {
                    value.append('"');
                    c.pos += 2;
                    continue;
                }
                c.pos++;
                if (c.atRecordEnd() || c.s.charAt(c.pos) == ',') {
                    return Optional.empty();
                }
                return Optional.of("text after a closing double quote (line " + c.line
                        + "); double the quotes inside a quoted field (\"\")");
            }
            if (ch == '\n') {
                c.line++;
            }
            value.append(ch);
            c.pos++;
        }
    }

    private static Optional<String> readUnquoted(Cursor c, StringBuilder value) {
        while (!c.atRecordEnd() && c.s.charAt(c.pos) != ',') {
            char ch = c.s.charAt(c.pos);
            if (ch == '"') {
                return Optional.of("a double quote inside an unquoted field; enclose the whole field in double "
                        + "quotes and double the quotes inside it");
            }
            value.append(ch);
            c.pos++;
        }
        return Optional.empty();
    }

    static String renderRow(MetadataTable table, MetadataTable.Row row, String text) {
        Cursor c = new Cursor(table.content());
        c.pos = row.start();
        Record r = readRecord(c);
        List<String> raw = new ArrayList<>(r.raw());
        raw.set(table.columns().indexOf(MetadataFormat.TEXT), quote(text, table.lineEnding()));
        return String.join(",", raw);
    }

    static String renderNewRow(MetadataTable table, String fileName, String text) {
        List<String> fields = new ArrayList<>();
        for (String column : table.columns()) {
            if (column.equals(MetadataFormat.FILE_NAME)) {
                fields.add(quote(fileName, table.lineEnding()));
            } else if (column.equals(MetadataFormat.TEXT)) {
                fields.add(quote(text, table.lineEnding()));
            } else {
                fields.add("");
            }
        }
        return String.join(",", fields);
    }

    /** Quotes a value only when it needs it, as Python's csv module does by default. */
    static String quote(String value, LineEnding ending) {
        String v = ending.apply(value);
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
