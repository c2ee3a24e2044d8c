package org.lorastudio.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's {@code ai.djl.huggingface:tokenizers} (the Rust library via
 * JNI; its CPU native library ships in the jar), plus the rules of {@code tokenizer_config.json} that transformers
 * applies on top: {@code add_bos_token} / {@code add_eos_token} (when present they decide, as in
 * {@code LlamaTokenizerFast}; when absent the file's post-processor decides, as for Llama 3), the
 * {@code bos_token} / {@code eos_token} / {@code pad_token} strings, and the {@code chat_template}.
 *
 * <p>Not thread-safe to close while in use; encode/decode themselves may be called from any thread.
 */
public final class LlmTokenizer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final Optional<Boolean> addBosToken;
    private final boolean addEosToken;
    private final Optional<String> bosToken;
    private final Optional<String> eosToken;
    private final Optional<String> padToken;
    private final OptionalLong bosId;
    private final OptionalLong eosId;
    private final OptionalLong padId;
    private final Optional<String> chatTemplate;

    private LlmTokenizer(HuggingFaceTokenizer tokenizer, JsonNode config) {
        this.tokenizer = tokenizer;
        JsonNode bos = config.get("add_bos_token");
        this.addBosToken = bos == null || bos.isNull() ? Optional.empty() : Optional.of(bos.asBoolean());
        this.addEosToken = config.path("add_eos_token").asBoolean(false);
        this.bosToken = tokenString(config.get("bos_token"));
        this.eosToken = tokenString(config.get("eos_token"));
        this.padToken = tokenString(config.get("pad_token"));
        this.bosId = idOf(bosToken);
        this.eosId = idOf(eosToken);
        this.padId = idOf(padToken);
        JsonNode tpl = config.get("chat_template");
        this.chatTemplate = tpl == null || tpl.isNull() ? Optional.empty()
                : Optional.of(tpl.isTextual() ? tpl.asText() : tpl.toString());
    }

    /**
     * Loads {@code tokenizer.json} and, when present, {@code tokenizer_config.json} from a model folder (or a
     * tokenizer folder).
     */
    public static LlmTokenizer fromFolder(Path folder) {
        Path file = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) {
            throw new UserException(folder + " has no tokenizer.json — LoRA Studio reads Hugging Face fast"
                    + " tokenizers; download tokenizer.json with the model (a sentencepiece tokenizer.model alone is not enough).");
        }
        JsonNode config = JSON.createObjectNode();
        Path cfg = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(cfg)) {
            try {
                config = JSON.readTree(TextFiles.readUtf8(cfg));
            } catch (JacksonException e) {
                throw new UserException(cfg + " is not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + cfg, e);
            }
        }
        try {
            // Special tokens are added by this class per add_bos_token; no truncation or padding inside the tokenizer.
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
                    "truncation", "false", "padding", "false"));
            return new LlmTokenizer(t, config);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        } catch (RuntimeException e) {
            throw new UserException(file + " could not be loaded by the Hugging Face tokenizers library: "
                    + e.getMessage(), e);
        }
    }

    private static Optional<String> tokenString(JsonNode n) {
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isObject()) { // {"__type": "AddedToken", "content": "<s>", ...}
            return Optional.ofNullable(n.path("content").asText(null));
        }
        return Optional.of(n.asText());
    }

    private OptionalLong idOf(Optional<String> token) {
        if (token.isEmpty()) {
            return OptionalLong.empty();
        }
        long[] ids = tokenizer.encode(token.get(), false, false).getIds();
        return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
    }

    /** Token ids of {@code text} with the model's special tokens (BOS per {@code add_bos_token}, EOS if set). */
    public long[] encode(String text) {
        return encode(text, true);
    }

    /** Token ids of {@code text}, with or without the special tokens a plain {@code tokenizer(text)} adds. */
    public long[] encode(String text, boolean addSpecialTokens) {
        if (!addSpecialTokens) {
            return tokenizer.encode(text, false, false).getIds();
        }
        if (addBosToken.isEmpty()) {
            long[] ids = tokenizer.encode(text, true, false).getIds();
            return addEosToken && eosId.isPresent() ? append(ids, eosId.getAsLong()) : ids;
        }
        long[] ids = tokenizer.encode(text, false, false).getIds();
        if (addBosToken.get() && bosId.isPresent()) {
            long[] out = new long[ids.length + 1];
            out[0] = bosId.getAsLong();
            System.arraycopy(ids, 0, out, 1, ids.length);
            ids = out;
        }
        return addEosToken && eosId.isPresent() ? append(ids, eosId.getAsLong()) : ids;
    }

    private static long[] append(long[] ids, long id) {
        long[] out = java.util.Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    /** Text of {@code ids} without special tokens. */
    public String decode(long[] ids) {
        return decode(ids, true);
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** The id of a single token string (e.g. {@code <|eot_id|>}), if the vocabulary has it as one token. */
    public OptionalLong tokenId(String token) {
        return idOf(Optional.of(token));
    }

    /**
     * The ids {@link #encode(String)} puts before the text (usually just BOS; empty when nothing is added), found by
     * comparing an encoding with and without special tokens, so it also works when only the post-processor knows.
     */
    public long[] prefixIds() {
        long[] with = encode("a", true);
        long[] without = encode("a", false);
        for (int start = 0; start + without.length <= with.length; start++) {
            if (java.util.Arrays.equals(with, start, start + without.length, without, 0, without.length)) {
                return java.util.Arrays.copyOf(with, start);
            }
        }
        return new long[0];
    }

    /** Whether encoding with special tokens starts with BOS. */
    public boolean addsBos() {
        long[] prefix = prefixIds();
        return prefix.length > 0 && (bosId.isEmpty() || prefix[0] == bosId.getAsLong());
    }

    public OptionalLong bosId() {
        return bosId;
    }

    public OptionalLong eosId() {
        return eosId;
    }

    /** The padding id: pad_token, else EOS (the usual choice for Llama, whose tokenizer has no pad), else 0. */
    public long padId() {
        return padId.orElse(eosId.orElse(0));
    }

    public Optional<String> eosToken() {
        return eosToken;
    }

    public Optional<String> bosToken() {
        return bosToken;
    }

    /** The raw Jinja {@code chat_template}, if the tokenizer config has one. */
    public Optional<String> chatTemplate() {
        return chatTemplate;
    }

    /**
     * The chat shape of the model's template; an error when the model has one LoRA Studio cannot render, and empty
     * when it has none.
     */
    public Optional<ChatFormat> chatFormat() {
        if (chatTemplate.isEmpty()) {
            return Optional.empty();
        }
        Optional<ChatFormat> f = ChatFormat.detect(chatTemplate.get());
        if (f.isEmpty()) {
            throw new UserException("The model's chat_template is not one LoRA Studio can render (it knows the ChatML"
                    + " and Llama 3 shapes). Use prompt_template: alpaca with Alpaca-format data (instruction, input,"
                    + " output) instead of messages.");
        }
        return f;
    }

    /** Every id that ends generation: the tokenizer's EOS and the end-of-turn token of a known chat format. */
    public Set<Long> stopIds() {
        Set<Long> out = new LinkedHashSet<>();
        eosId.ifPresent(out::add);
        Optional<ChatFormat> f = chatTemplate.flatMap(ChatFormat::detect);
        f.flatMap(c -> {
            OptionalLong id = tokenId(c.endOfTurn());
            return id.isPresent() ? Optional.of(id.getAsLong()) : Optional.empty();
        }).ifPresent(out::add);
        return out;
    }

    /** Names the known special tokens, for messages. */
    List<String> specialTokens() {
        return java.util.stream.Stream.of(bosToken, eosToken, padToken).flatMap(Optional::stream).toList();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
