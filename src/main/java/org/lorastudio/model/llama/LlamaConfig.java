package org.lorastudio.model.llama;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * The fields of transformers' {@code LlamaConfig} (also {@code MistralConfig}, {@code Qwen2Config}) that shape the
 * decoder, read from a Hugging Face {@code config.json} (FORMATS §7). Everything that would change the forward pass
 * in a way this port does not implement is refused with one message naming every offending field and what works.
 *
 * <p>Architecture variants (transformers {@code models/llama}, {@code models/mistral}, {@code models/qwen2}):
 * <ul>
 *   <li>{@code llama}: {@code attention_bias} biases q, k, v and o; {@code mlp_bias} the three MLP projections.</li>
 *   <li>{@code mistral}: no biases; {@code sliding_window} limits how far back a token attends.</li>
 *   <li>{@code qwen2}: q, k and v always biased, o never; sliding window only with {@code use_sliding_window}.</li>
 * </ul>
 *
 * @param eosTokenIds   every end-of-sequence id ({@code eos_token_id} may be an int or a list, e.g. Llama 3)
 * @param slidingWindow attention span in tokens (Mistral), empty for full causal attention
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                          int numAttentionHeads, int numKeyValueHeads, int headDim, int maxPositionEmbeddings,
                          double rmsNormEps, double ropeTheta, Optional<RopeScaling> ropeScaling,
                          boolean attentionBias, boolean mlpBias, boolean tieWordEmbeddings,
                          Optional<Integer> bosTokenId, List<Integer> eosTokenIds, Optional<Integer> padTokenId,
                          Optional<Integer> slidingWindow, String torchDtype) {
    /** The {@code model_type}s this port runs. */
    public static final List<String> SUPPORTED_TYPES = List.of("llama", "mistral", "qwen2");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * {@code rope_scaling}: {@code linear} (positions divided by {@code factor}) or {@code llama3} (low frequencies
     * divided by {@code factor}, a smooth blend between {@code low_freq_factor} and {@code high_freq_factor}).
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositionEmbeddings) {
        public static final List<String> SUPPORTED = List.of("linear", "llama3");
    }

    public LlamaConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        List<String> problems = new ArrayList<>();
        positive(problems, "vocab_size", vocabSize);
        positive(problems, "hidden_size", hiddenSize);
        positive(problems, "intermediate_size", intermediateSize);
        positive(problems, "num_hidden_layers", numHiddenLayers);
        positive(problems, "num_attention_heads", numAttentionHeads);
        positive(problems, "num_key_value_heads", numKeyValueHeads);
        positive(problems, "head_dim", headDim);
        positive(problems, "max_position_embeddings", maxPositionEmbeddings);
        if (numKeyValueHeads > 0 && numAttentionHeads % numKeyValueHeads != 0) {
            problems.add("num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads "
                    + numKeyValueHeads);
        }
        if (headDim > 0 && headDim % 2 != 0) {
            problems.add("head_dim must be even for rotary embeddings, found " + headDim);
        }
        if (!(rmsNormEps > 0)) {
            problems.add("rms_norm_eps must be > 0, found " + rmsNormEps);
        }
        if (!(ropeTheta > 0)) {
            problems.add("rope_theta must be > 0, found " + ropeTheta);
        }
        if (!problems.isEmpty()) {
            throw new UserException("Language model config: " + String.join("; ", problems));
        }
    }

    /** Query heads per key/value head (grouped-query attention; 1 = plain multi-head attention). */
    public int numKeyValueGroups() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Whether q/k/v projections carry a bias (Qwen2 always; Llama with {@code attention_bias}). */
    public boolean qkvBias() {
        return "qwen2".equals(modelType) || attentionBias;
    }

    /** Whether o_proj carries a bias (only Llama with {@code attention_bias}). */
    public boolean outputBias() {
        return "llama".equals(modelType) && attentionBias;
    }

    /** Reads {@code config.json} (the file, or the one inside the given folder). */
    public static LlamaConfig fromConfig(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserException("The model config " + file + " is missing — expected a Hugging Face model folder"
                    + " with config.json, model.safetensors (or shards) and tokenizer.json.");
        }
        try {
            return fromJson(JSON.readTree(TextFiles.readUtf8(file)), file.toString());
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Builds the config from a parsed {@code config.json}, collecting every unsupported or invalid field into one
     * error; {@code source} names the file in it.
     */
    public static LlamaConfig fromJson(JsonNode root, String source) {
        List<String> problems = new ArrayList<>();
        String type = root.path("model_type").asText("");
        if (!SUPPORTED_TYPES.contains(type)) {
            problems.add("model_type '" + type + "' is not supported (supported: " + String.join(", ", SUPPORTED_TYPES)
                    + "; architectures LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM)");
        }
        String act = root.path("hidden_act").asText("silu");
        if (!"silu".equals(act)) {
            problems.add("hidden_act '" + act + "' is not supported (supported: silu)");
        }
        Ints ints = new Ints(root, problems);
        int hidden = ints.get("hidden_size", null);
        int heads = ints.get("num_attention_heads", null);
        int kvHeads = ints.get("num_key_value_heads", heads);
        int headDim = ints.get("head_dim", hidden > 0 && heads > 0 ? hidden / heads : 0);
        int vocab = ints.get("vocab_size", null);
        int inter = ints.get("intermediate_size", null);
        int layers = ints.get("num_hidden_layers", null);
        int maxPos = ints.get("max_position_embeddings", 2048);
        Optional<RopeScaling> scaling = ropeScaling(root.get("rope_scaling"), problems);
        boolean mlpBias = root.path("mlp_bias").asBoolean(false);
        if (mlpBias && !"llama".equals(type)) {
            problems.add("mlp_bias is only defined for model_type llama");
        }
        Optional<Integer> window = Optional.empty();
        JsonNode sw = root.get("sliding_window");
        boolean useWindow = "mistral".equals(type)
                || "qwen2".equals(type) && root.path("use_sliding_window").asBoolean();
        if (useWindow && sw != null && !sw.isNull()) {
            window = Optional.of(ints.get("sliding_window", null));
        }
        if (!problems.isEmpty()) {
            throw new UserException(source + ": " + String.join("; ", problems));
        }
        try {
            return new LlamaConfig(type, vocab, hidden, inter, layers, heads, kvHeads, headDim, maxPos,
                    root.path("rms_norm_eps").asDouble(1e-6), root.path("rope_theta").asDouble(10000.0), scaling,
                    root.path("attention_bias").asBoolean(false), mlpBias,
                    root.path("tie_word_embeddings").asBoolean(false),
                    optionalInt(root.get("bos_token_id")), tokenIds(root.get("eos_token_id")),
                    optionalInt(root.get("pad_token_id")), window, root.path("torch_dtype").asText("float32"));
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static Optional<RopeScaling> ropeScaling(JsonNode n, List<String> problems) {
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        String type = n.has("rope_type") ? n.path("rope_type").asText() : n.path("type").asText("");
        type = type.toLowerCase(Locale.ROOT);
        if ("default".equals(type)) {
            return Optional.empty();
        }
        if (!RopeScaling.SUPPORTED.contains(type)) {
            problems.add("rope_scaling type '" + type + "' is not supported (supported: null, default, "
                    + String.join(", ", RopeScaling.SUPPORTED) + ")");
            return Optional.empty();
        }
        double factor = n.path("factor").asDouble(Double.NaN);
        if (!(factor >= 1)) {
            problems.add("rope_scaling.factor must be >= 1, found " + n.get("factor"));
        }
        if ("linear".equals(type)) {
            return Optional.of(new RopeScaling(type, factor, 0, 0, 0));
        }
        double low = n.path("low_freq_factor").asDouble(Double.NaN);
        double high = n.path("high_freq_factor").asDouble(Double.NaN);
        int orig = n.path("original_max_position_embeddings").asInt(0);
        if (!(low > 0 && high > low) || orig <= 0) {
            problems.add("rope_scaling llama3 needs low_freq_factor < high_freq_factor and"
                    + " original_max_position_embeddings > 0, found " + n);
        }
        return Optional.of(new RopeScaling(type, factor, low, high, orig));
    }

    private static Optional<Integer> optionalInt(JsonNode n) {
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isArray()) {
            return n.isEmpty() ? Optional.empty() : Optional.of(n.get(0).asInt());
        }
        if (!n.isIntegralNumber()) {
            throw new UserException("token id must be an integer, found " + n);
        }
        return Optional.of(n.intValue());
    }

    /** An {@code eos_token_id} that is null, an int or a list of ints. */
    static List<Integer> tokenIds(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isArray()) {
            n.forEach(e -> out.add(e.asInt()));
        } else if (n.isIntegralNumber()) {
            out.add(n.intValue());
        } else {
            throw new UserException("eos_token_id must be an integer or a list of integers, found " + n);
        }
        return out;
    }

    /** The config as a transformers {@code config.json} (used by the demo generator and by merge). */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        String arch = switch (modelType) {
            case "mistral" -> "MistralForCausalLM";
            case "qwen2" -> "Qwen2ForCausalLM";
            default -> "LlamaForCausalLM";
        };
        o.putArray("architectures").add(arch);
        o.put("model_type", modelType);
        o.put("vocab_size", vocabSize);
        o.put("hidden_size", hiddenSize);
        o.put("intermediate_size", intermediateSize);
        o.put("num_hidden_layers", numHiddenLayers);
        o.put("num_attention_heads", numAttentionHeads);
        o.put("num_key_value_heads", numKeyValueHeads);
        o.put("head_dim", headDim);
        o.put("max_position_embeddings", maxPositionEmbeddings);
        o.put("rms_norm_eps", rmsNormEps);
        o.put("rope_theta", ropeTheta);
        if (ropeScaling.isPresent()) {
            RopeScaling s = ropeScaling.get();
            ObjectNode r = o.putObject("rope_scaling");
            r.put("rope_type", s.type());
            r.put("factor", s.factor());
            if ("llama3".equals(s.type())) {
                r.put("low_freq_factor", s.lowFreqFactor());
                r.put("high_freq_factor", s.highFreqFactor());
                r.put("original_max_position_embeddings", s.originalMaxPositionEmbeddings());
            }
        } else {
            o.putNull("rope_scaling");
        }
        o.put("hidden_act", "silu");
        o.put("attention_bias", attentionBias);
        o.put("mlp_bias", mlpBias);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        bosTokenId.ifPresentOrElse(b -> o.put("bos_token_id", b), () -> o.putNull("bos_token_id"));
        if (eosTokenIds.size() == 1) {
            o.put("eos_token_id", eosTokenIds.get(0));
        } else if (eosTokenIds.isEmpty()) {
            o.putNull("eos_token_id");
        } else {
            eosTokenIds.forEach(o.putArray("eos_token_id")::add);
        }
        padTokenId.ifPresentOrElse(p -> o.put("pad_token_id", p), () -> o.putNull("pad_token_id"));
        slidingWindow.ifPresent(w -> o.put("sliding_window", w));
        o.put("torch_dtype", torchDtype);
        return o;
    }

    private static void positive(List<String> problems, String name, int value) {
        if (value <= 0) {
            problems.add(name + " must be > 0, found " + value);
        }
    }

    /** Reads integer fields, collecting problems instead of failing at the first. */
    private record Ints(JsonNode root, List<String> problems) {
        int get(String name, Integer fallback) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                if (fallback == null) {
                    problems.add(name + " is missing");
                    return 0;
                }
                return fallback;
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                problems.add(name + " must be an integer, found " + n);
                return 0;
            }
            return n.intValue();
        }
    }
}
