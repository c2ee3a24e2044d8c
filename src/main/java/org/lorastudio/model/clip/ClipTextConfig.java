package org.lorastudio.model.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * The fields of transformers' {@code CLIPTextConfig} that shape the text encoder. Missing fields take the SD1.5
 * values (CLIP ViT-L/14 text half, FORMATS §2.3); other keys of a transformers {@code config.json} (dropout,
 * initializer, token ids, …) do not change inference and are ignored.
 *
 * @param hiddenAct {@code quick_gelu} (CLIP) or {@code gelu} (exact, e.g. OpenCLIP-trained encoders)
 */
public record ClipTextConfig(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                             int numAttentionHeads, int maxPositionEmbeddings, String hiddenAct, float layerNormEps) {
    private static final List<String> ACTIVATIONS = List.of("quick_gelu", "gelu");

    public ClipTextConfig {
        List<String> problems = new ArrayList<>();
        positive(problems, "vocab_size", vocabSize);
        positive(problems, "hidden_size", hiddenSize);
        positive(problems, "intermediate_size", intermediateSize);
        positive(problems, "num_hidden_layers", numHiddenLayers);
        positive(problems, "num_attention_heads", numAttentionHeads);
        positive(problems, "max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads > 0 && hiddenSize % numAttentionHeads != 0) {
            problems.add("hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads);
        }
        if (!ACTIVATIONS.contains(hiddenAct)) {
            problems.add("hidden_act must be one of " + ACTIVATIONS + ", found '" + hiddenAct + "'");
        }
        if (!(layerNormEps > 0)) {
            problems.add("layer_norm_eps must be > 0, found " + layerNormEps);
        }
        if (!problems.isEmpty()) {
            throw new UserException("Text encoder config: " + String.join("; ", problems));
        }
    }

    private static void positive(List<String> problems, String name, int value) {
        if (value <= 0) {
            problems.add(name + " must be > 0, found " + value);
        }
    }

    /** The SD1.5 text encoder (openai/clip-vit-large-patch14): 12 layers of width 768, 12 heads, quick_gelu. */
    public static ClipTextConfig sd15() {
        return new ClipTextConfig(49408, 768, 3072, 12, 12, 77, "quick_gelu", 1e-5f);
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Reads a transformers {@code config.json}, or the {@code config.json} inside the given folder. */
    public static ClipTextConfig fromConfig(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserException("The text encoder config " + file + " is missing — expected a transformers "
                    + "config.json (e.g. the text_encoder/ folder of a diffusers model).");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(TextFiles.readUtf8(file));
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return fromJson(root, file.toString());
    }

    /** Builds the config from a parsed {@code config.json}; {@code source} names it in errors. */
    static ClipTextConfig fromJson(JsonNode root, String source) {
        ClipTextConfig d = sd15();
        try {
            return new ClipTextConfig(
                    intField(root, "vocab_size", d.vocabSize(), source),
                    intField(root, "hidden_size", d.hiddenSize(), source),
                    intField(root, "intermediate_size", d.intermediateSize(), source),
                    intField(root, "num_hidden_layers", d.numHiddenLayers(), source),
                    intField(root, "num_attention_heads", d.numAttentionHeads(), source),
                    intField(root, "max_position_embeddings", d.maxPositionEmbeddings(), source),
                    root.path("hidden_act").asText(d.hiddenAct()),
                    (float) root.path("layer_norm_eps").asDouble(d.layerNormEps()));
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static int intField(JsonNode root, String name, int fallback, String source) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new UserException(source + ": " + name + " must be an integer, found " + n);
        }
        return n.intValue();
    }
}
