package org.lorastudio.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads language-model training data (FORMATS §7) into {@link LlmExample}s, reporting every malformed record by
 * line instead of stopping at the first:
 * <ul>
 *   <li>{@code .json}: a list of records; {@code .jsonl}: one record per line (blank lines skipped).</li>
 *   <li>A record is Alpaca ({@code instruction}, {@code input}, {@code output}, optional {@code system} and
 *       {@code history} [[user, assistant], …]), OpenAI {@code messages} [{role, content}], ShareGPT
 *       {@code conversations} [{from, value}], or {@code text}.</li>
 *   <li>{@code .txt}/{@code .md}: documents separated by blank lines; a folder: one document per such file.</li>
 * </ul>
 */
public final class LlmDataReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, LlmExample.Role> ROLES = Map.of("system", LlmExample.Role.SYSTEM,
            "user", LlmExample.Role.USER, "human", LlmExample.Role.USER, "assistant", LlmExample.Role.ASSISTANT,
            "gpt", LlmExample.Role.ASSISTANT);

    private LlmDataReader() {
    }

    /** Reads a data file or folder; unreadable input becomes an UNREADABLE problem, never an exception. */
    public static LlmData read(Path path) {
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        List<LlmExample> examples = new ArrayList<>();
        List<LlmDataProblem> problems = new ArrayList<>();
        LlmData.Format format;
        if (Files.isDirectory(path)) {
            format = LlmData.Format.TEXT;
            readFolder(path, examples, problems);
        } else if (!Files.isRegularFile(path)) {
            return new LlmData(path, LlmData.Format.JSONL, List.of(), List.of(new LlmDataProblem(
                    LlmDataProblem.Kind.UNREADABLE, name, "the file does not exist")));
        } else if (lower.endsWith(".jsonl")) {
            format = LlmData.Format.JSONL;
            readJsonl(path, name, examples, problems);
        } else if (lower.endsWith(".json")) {
            format = LlmData.Format.JSON;
            readJsonList(path, name, examples, problems);
        } else if (lower.endsWith(".txt") || lower.endsWith(".md")) {
            format = LlmData.Format.TEXT;
            String text = text(path, name, problems);
            if (text != null) {
                splitDocuments(text, name, examples);
            }
        } else {
            return new LlmData(path, LlmData.Format.JSONL, List.of(), List.of(new LlmDataProblem(
                    LlmDataProblem.Kind.UNREADABLE, name, "unknown data file type; use .json (Alpaca list), .jsonl,"
                    + " .txt or a folder of .txt files")));
        }
        return new LlmData(path, format, examples, problems);
    }

    private static String text(Path path, String name, List<LlmDataProblem> problems) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
                    .toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            problems.add(new LlmDataProblem(LlmDataProblem.Kind.UNREADABLE, name, "the file is not UTF-8 text;"
                    + " save it as UTF-8"));
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    private static void readJsonl(Path path, String name, List<LlmExample> examples, List<LlmDataProblem> problems) {
        String text = text(path, name, problems);
        if (text == null) {
            return;
        }
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = name + ":" + (i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.MALFORMED, where,
                        "not valid JSON (" + e.getOriginalMessage() + ")"));
                continue;
            }
            record(node, where, examples, problems);
        }
    }

    private static void readJsonList(Path path, String name, List<LlmExample> examples,
                                     List<LlmDataProblem> problems) {
        String text = text(path, name, problems);
        if (text == null) {
            return;
        }
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                problems.add(new LlmDataProblem(LlmDataProblem.Kind.MALFORMED, name + ":1", "expected a JSON list"
                        + " of records ([{\"instruction\": …, \"output\": …}, …]); for one record per line use"
                        + " .jsonl"));
                return;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() == null) {
                    problems.add(new LlmDataProblem(LlmDataProblem.Kind.MALFORMED, name, "the list is not closed"));
                    return;
                }
                String where = name + ":" + p.currentTokenLocation().getLineNr();
                JsonNode node = p.readValueAsTree();
                record(node, where, examples, problems);
            }
        } catch (JsonProcessingException e) {
            problems.add(new LlmDataProblem(LlmDataProblem.Kind.MALFORMED,
                    name + ":" + e.getLocation().getLineNr(), "not valid JSON (" + e.getOriginalMessage()
                    + "); records after this point were not read"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    /** One JSON record → an example, or a MALFORMED problem naming what is missing. */
    static void record(JsonNode node, String where, List<LlmExample> examples, List<LlmDataProblem> problems) {
        if (node == null || !node.isObject()) {
            problems.add(malformed(where, "expected a JSON object, found " + kind(node)));
            return;
        }
        try {
            if (node.has("messages") || node.has("conversations")) {
                examples.add(chat(node, where));
            } else if (node.has("instruction") || node.has("output")) {
                examples.add(instruction(node, where));
            } else if (node.has("text")) {
                examples.add(new LlmExample.Text(string(node, "text", where, true), where));
            } else {
                List<String> keys = new ArrayList<>();
                node.fieldNames().forEachRemaining(keys::add);
                problems.add(malformed(where, "has none of the fields instruction/output (Alpaca), messages (OpenAI),"
                        + " conversations (ShareGPT) or text; found " + keys));
            }
        } catch (Malformed e) {
            problems.add(malformed(where, e.getMessage()));
        }
    }

    private static LlmExample instruction(JsonNode node, String where) {
        String instruction = string(node, "instruction", where, true);
        String input = string(node, "input", where, false);
        String output = string(node, "output", where, true);
        String system = string(node, "system", where, false);
        JsonNode history = node.get("history");
        if (history == null || history.isNull() || history.isEmpty()) {
            return new LlmExample.Instruction(instruction, input, output, system, where);
        }
        if (!history.isArray()) {
            throw new Malformed("history must be a list of [user, assistant] pairs");
        }
        List<LlmExample.Message> messages = new ArrayList<>();
        if (system != null && !system.isEmpty()) {
            messages.add(new LlmExample.Message(LlmExample.Role.SYSTEM, system));
        }
        for (JsonNode pair : history) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                throw new Malformed("history must be a list of [user, assistant] string pairs, found " + pair);
            }
            messages.add(new LlmExample.Message(LlmExample.Role.USER, pair.get(0).asText()));
            messages.add(new LlmExample.Message(LlmExample.Role.ASSISTANT, pair.get(1).asText()));
        }
        String user = input == null || input.isEmpty() ? instruction : instruction + "\n\n" + input;
        messages.add(new LlmExample.Message(LlmExample.Role.USER, user));
        messages.add(new LlmExample.Message(LlmExample.Role.ASSISTANT, output));
        return new LlmExample.Chat(messages, where);
    }

    private static LlmExample chat(JsonNode node, String where) {
        boolean openAi = node.has("messages");
        JsonNode list = node.get(openAi ? "messages" : "conversations");
        String roleKey = openAi ? "role" : "from";
        String contentKey = openAi ? "content" : "value";
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new Malformed((openAi ? "messages" : "conversations") + " must be a non-empty list");
        }
        List<LlmExample.Message> messages = new ArrayList<>();
        int i = 0;
        for (JsonNode m : list) {
            if (!m.isObject()) {
                throw new Malformed("turn " + i + " is not an object");
            }
            String role = m.path(roleKey).asText("");
            LlmExample.Role r = ROLES.get(role);
            if (r == null) {
                throw new Malformed("turn " + i + " has " + roleKey + " '" + role + "'; expected "
                        + (openAi ? "system, user or assistant" : "system, human or gpt"));
            }
            JsonNode c = m.get(contentKey);
            if (c == null || !c.isTextual()) {
                throw new Malformed("turn " + i + " has no text " + contentKey);
            }
            messages.add(new LlmExample.Message(r, c.asText()));
            i++;
        }
        return new LlmExample.Chat(messages, where);
    }

    private static String string(JsonNode node, String key, String where, boolean required) {
        JsonNode n = node.get(key);
        if (n == null || n.isNull()) {
            if (required) {
                throw new Malformed("has no \"" + key + "\"");
            }
            return "";
        }
        if (!n.isTextual()) {
            throw new Malformed("\"" + key + "\" must be a string, found " + kind(n));
        }
        return n.asText();
    }

    private static String kind(JsonNode n) {
        return n == null ? "nothing" : n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static LlmDataProblem malformed(String where, String message) {
        return new LlmDataProblem(LlmDataProblem.Kind.MALFORMED, where, message);
    }

    /** Blank-line-separated documents, each with the line it starts on. */
    private static void splitDocuments(String text, String name, List<LlmExample> examples) {
        String[] lines = text.split("\r?\n", -1);
        StringBuilder doc = new StringBuilder();
        int start = 0;
        for (int i = 0; i <= lines.length; i++) {
            boolean blank = i == lines.length || lines[i].isBlank();
            if (blank) {
                if (doc.length() > 0) {
                    examples.add(new LlmExample.Text(doc.toString(), name + ":" + (start + 1)));
                    doc.setLength(0);
                }
            } else {
                if (doc.length() == 0) {
                    start = i;
                } else {
                    doc.append('\n');
                }
                doc.append(lines[i]);
            }
        }
    }

    private static void readFolder(Path dir, List<LlmExample> examples, List<LlmDataProblem> problems) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return n.endsWith(".txt") || n.endsWith(".md");
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
        for (Iterator<Path> it = files.iterator(); it.hasNext();) {
            Path f = it.next();
            String name = f.getFileName().toString();
            String text = text(f, name, problems);
            if (text != null && !text.isBlank()) {
                examples.add(new LlmExample.Text(text.strip(), name));
            }
        }
    }

    /** A record that does not fit its format; becomes a MALFORMED problem. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }
}
