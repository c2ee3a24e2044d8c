package org.lorastudio.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.jsonl}: one JSON object per line with a string {@code file_name} and a string (or absent)
 * {@code text}; other keys are kept. Blank lines are allowed. Duplicate keys and trailing content on a line are
 * errors. A rewritten row keeps its key order, and keeps Python's {@code json.dumps} spacing
 * ({@code {"a": 1, "b": 2}}) when the row used it, so that edits made here look like the tool that wrote the file.
 */
final class JsonlMetadata {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlMetadata() {
    }

    static MetadataTable parse(String content, boolean bom, String label) {
        List<DatasetProblem> problems = new ArrayList<>();
        List<MetadataTable.Row> rows = new ArrayList<>();
        int start = 0;
        int line = 1;
        while (start < content.length()) {
            int nl = content.indexOf('\n', start);
            int next = nl < 0 ? content.length() : nl + 1;
            int end = nl < 0 ? content.length() : (nl > start && content.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            String raw = content.substring(start, end);
            if (!raw.isBlank()) {
                String where = label + ":" + line;
                try {
                    rows.add(parseRow(raw, line, start, end));
                } catch (MalformedRow e) {
                    problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, where, e.getMessage()));
                }
            }
            start = next;
            line++;
        }
        if (rows.isEmpty() && problems.isEmpty()) {
            problems.add(new DatasetProblem(ProblemKind.MALFORMED_METADATA, label,
                    "the file has no rows; write one JSON object per image: {\"file_name\": ..., \"text\": ...}"));
        }
        return new MetadataTable(content, bom, LineEnding.detect(content, LineEnding.LF), List.of(), rows, problems);
    }

    /** A line that is not a usable row; the message says why. */
    private static final class MalformedRow extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRow(String message) {
            super(message, null, false, false);
        }
    }

    private static MetadataTable.Row parseRow(String raw, int line, int start, int end) throws MalformedRow {
        ObjectNode obj = readObject(raw);
        JsonNode file = obj.get(MetadataFormat.FILE_NAME);
        if (file == null || !file.isTextual()) {
            throw new MalformedRow("needs a string \"file_name\"" + (file == null ? "" : ", found " + file));
        }
        JsonNode text = obj.get(MetadataFormat.TEXT);
        if (text != null && !text.isTextual() && !text.isNull()) {
            throw new MalformedRow("\"text\" must be a string, found " + text);
        }
        Optional<String> caption = text == null || text.isNull()
                ? Optional.empty() : Optional.of(text.asText().replace("\r\n", "\n"));
        return new MetadataTable.Row(line, file.asText(), caption, start, end);
    }

    private static ObjectNode readObject(String raw) throws MalformedRow {
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedRow("is not valid JSON (" + e.getOriginalMessage() + "); each line must be one "
                    + "JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new MalformedRow("is not a JSON object; each line must be {\"file_name\": ..., \"text\": ...}");
        }
        return (ObjectNode) node;
    }

    static String renderRow(MetadataTable table, MetadataTable.Row row, String text) {
        String raw = table.content().substring(row.start(), row.end());
        ObjectNode obj;
        try {
            obj = readObject(raw);
        } catch (MalformedRow e) {
            throw new IllegalStateException("row parsed before no longer parses: " + e.getMessage(), e);
        }
        obj.put(MetadataFormat.TEXT, text);
        return write(obj, usesPythonSpacing(raw));
    }

    static String renderNewRow(MetadataTable table, String fileName, String text) {
        ObjectNode obj = JSON.createObjectNode();
        obj.put(MetadataFormat.FILE_NAME, fileName);
        obj.put(MetadataFormat.TEXT, text);
        boolean python = table.rows().isEmpty()
                || usesPythonSpacing(table.content().substring(table.rows().get(0).start(), table.rows().get(0).end()));
        return write(obj, python);
    }

    private static boolean usesPythonSpacing(String raw) {
        return raw.contains("\": ");
    }

    private static String write(ObjectNode obj, boolean pythonSpacing) {
        try {
            return pythonSpacing ? JSON.writer(new PythonSpacing()).writeValueAsString(obj)
                    : JSON.writeValueAsString(obj);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialise", e);
        }
    }

    /** {@code ", "} between entries and {@code ": "} after keys, like Python's {@code json.dumps}. */
    private static final class PythonSpacing extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}
