package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * The items a run measures its validation loss on (issue 16), recorded in the run folder's {@code validation.json}
 * before step 1: where they come from ({@code validation_split} of the training data, chosen from the seed, or
 * {@code validation_data_dir}) and their names. The held-out items are not trained on.
 *
 * @param source {@code "validation_split"} or {@code "validation_data_dir"}
 * @param split the held-out fraction (0 for a folder)
 * @param folder the data folder the names are relative to
 * @param items the items' names (images relative to the folder, or {@code example N} for text data)
 */
public record ValidationSet(String source, double split, String folder, List<String> items) {
    public static final String FILE_NAME = "validation.json";
    public static final String FROM_SPLIT = "validation_split";
    public static final String FROM_FOLDER = "validation_data_dir";

    public ValidationSet {
        items = List.copyOf(items);
    }

    public void write(Path runDir) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("source", source);
        root.put("split", split);
        root.put("folder", folder);
        com.fasterxml.jackson.databind.node.ArrayNode list = root.putArray("items");
        items.forEach(list::add);
        AtomicFiles.writeString(runDir.resolve(FILE_NAME), Json.PRETTY.writeValueAsString(root) + "\n");
    }

    /** The recorded set of a run; empty when it has none. */
    public static Optional<ValidationSet> read(Path runDir) {
        Path file = runDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = Json.MAPPER.readTree(Files.readString(file));
            if (root == null || !root.path("items").isArray() || !root.path("source").isTextual()) {
                throw new UserException(file + " is not a validation set (expected \"source\" and an \"items\" list)");
            }
            List<String> items = new ArrayList<>();
            root.get("items").forEach(n -> items.add(n.asText()));
            return Optional.of(new ValidationSet(root.get("source").asText(), root.path("split").asDouble(),
                    root.path("folder").asText(""), items));
        } catch (JsonProcessingException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
