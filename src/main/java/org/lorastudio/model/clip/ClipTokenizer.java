package org.lorastudio.model.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.UserException;

/**
 * The CLIP byte-level BPE tokenizer, a port of transformers' {@code CLIPTokenizer} (slow version, the one the SD1.5
 * pipelines and kohya use) in its no-ftfy mode (FORMATS §6).
 *
 * <p>Text is cleaned like transformers' {@code BasicTokenizer} (control characters dropped, every whitespace made a
 * space, CJK ideographs set apart, NFC, whitespace collapsed and stripped, lower-cased), split with the CLIP regex
 * (words, single digits, punctuation runs), mapped byte-wise to the GPT-2 symbol alphabet and merged by BPE with the
 * merge ranks; the last symbol of each word carries {@code </w>}. {@link #encode} wraps at most
 * {@value #MAX_CONTENT_TOKENS} ids in BOS … EOS and pads to {@value #CONTEXT_LENGTH} with the pad token (EOS for
 * SD1.5).
 * Instances are thread-safe (the per-word cache is synchronised), so a UI may count tokens while training runs.
 */
public final class ClipTokenizer {
    /** Sequence length of the text encoder (max_position_embeddings of CLIP). */
    public static final int CONTEXT_LENGTH = 77;
    /** Tokens of a prompt that fit between BOS and EOS. */
    public static final int MAX_CONTENT_TOKENS = CONTEXT_LENGTH - 2;

    static final String BOS = "<|startoftext|>";
    static final String EOS = "<|endoftext|>";
    /** transformers reads merges.txt lines 1 .. 49152−256−2 (the size OpenAI's CLIP vocabulary was built with). */
    private static final int MAX_MERGES = 49152 - 256 - 2;
    private static final int CACHE_LIMIT = 20_000;
    private static final String END_OF_WORD = "</w>";

    /** CLIP's pre-tokenisation pattern (transformers {@code CLIPTokenizer.pat}); note single digits. */
    static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private static final char[] BYTE_TO_UNICODE = bytesToUnicode();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int unkId;
    private final Map<String, List<String>> cache;

    /**
     * @param vocab  token → id ({@code vocab.json})
     * @param merges merge pairs in rank order, each {@code "a b"} (merges.txt without its {@code #version} line)
     * @param pad    the padding token string; SD1.5 uses {@code <|endoftext|>}, SD2 {@code !}
     */
    public ClipTokenizer(Map<String, Integer> vocab, List<String> merges, String pad) {
        this.vocab = Map.copyOf(vocab);
        Map<String, Integer> ranks = new HashMap<>();
        int n = Math.min(merges.size(), MAX_MERGES);
        for (int i = 0; i < n; i++) {
            ranks.putIfAbsent(merges.get(i), i);
        }
        this.mergeRanks = Collections.unmodifiableMap(ranks);
        this.bosId = requireId(BOS, "the start-of-text token");
        this.eosId = requireId(EOS, "the end-of-text token");
        this.unkId = eosId; // CLIPTokenizer: unk_token = <|endoftext|>
        this.padId = requireId(pad, "the padding token");
        Map<String, List<String>> c = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
                return size() > CACHE_LIMIT;
            }
        };
        c.put(BOS, List.of(BOS));
        c.put(EOS, List.of(EOS));
        this.cache = c;
    }

    private int requireId(String token, String what) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new UserException("The tokenizer vocabulary has no entry for " + what + " '" + token
                    + "' — is vocab.json a CLIP vocabulary?");
        }
        return id;
    }

    /**
     * Reads {@code vocab.json} and {@code merges.txt} from a folder (a diffusers {@code tokenizer/} folder or a
     * folder holding just these two files); the pad token comes from {@code special_tokens_map.json} or
     * {@code tokenizer_config.json} when present, else {@code <|endoftext|>} (SD1.5).
     */
    public static ClipTokenizer fromFolder(Path folder) {
        Path vocabFile = folder.resolve("vocab.json");
        Path mergesFile = folder.resolve("merges.txt");
        for (Path p : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(p)) {
                throw new UserException("The CLIP tokenizer file " + p.getFileName() + " is missing in " + folder
                        + " — put vocab.json and merges.txt of openai/clip-vit-large-patch14 there.");
            }
        }
        Map<String, Integer> vocab = readVocab(vocabFile);
        List<String> merges = readMerges(mergesFile);
        String pad = padToken(folder.resolve("special_tokens_map.json"))
                .or(() -> padToken(folder.resolve("tokenizer_config.json")))
                .orElse(EOS);
        return new ClipTokenizer(vocab, merges, pad);
    }

    private static Map<String, Integer> readVocab(Path file) {
        JsonNode root = readJson(file);
        if (!root.isObject()) {
            throw new UserException(file + " must hold a JSON object mapping tokens to ids");
        }
        Map<String, Integer> vocab = new HashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!e.getValue().canConvertToInt()) {
                throw new UserException(file + ": token '" + e.getKey() + "' has id " + e.getValue()
                        + "; ids must be integers");
            }
            int id = e.getValue().intValue();
            // ids index the text encoder's embedding table, which has one row per vocabulary entry
            if (id < 0 || id >= root.size()) {
                throw new UserException(file + ": token '" + e.getKey() + "' has id " + id + "; ids must be 0.."
                        + (root.size() - 1) + " (one per entry)");
            }
            vocab.put(e.getKey(), id);
        });
        return vocab;
    }

    private static List<String> readMerges(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new UserException(file + " is not valid UTF-8 text; is it the merges.txt of a CLIP tokenizer?", e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        List<String> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("#version")) {
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ");
            if (parts.length != 2) {
                throw new UserException(file + " line " + (i + 1) + ": expected two symbols separated by one space, "
                        + "found '" + line + "'");
            }
            merges.add(parts[0] + " " + parts[1]);
        }
        return merges;
    }

    private static Optional<String> padToken(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode pad = readJson(file).get("pad_token");
        if (pad == null || pad.isNull()) {
            return Optional.empty();
        }
        if (pad.isTextual()) {
            return Optional.of(pad.asText());
        }
        JsonNode content = pad.get("content");
        return content != null && content.isTextual() ? Optional.of(content.asText()) : Optional.empty();
    }

    /**
     * Reads JSON as UTF-8 text. Given a file, Jackson guesses the encoding from the first four bytes and reads a
     * file that starts with a byte and three NULs as UTF-32, failing with an IOException (found by fuzzing).
     */
    private static JsonNode readJson(Path file) {
        try (java.io.Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonNode node = JSON.readTree(in);
            if (node == null) {
                throw new UserException(file + " is empty; it must hold a JSON object");
            }
            return node;
        } catch (CharacterCodingException e) {
            throw new UserException(file + " is not valid UTF-8 text; is it the right file?", e);
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * The model input for one prompt: BOS, the first {@value #MAX_CONTENT_TOKENS} BPE ids, EOS, then the pad id up
     * to {@value #CONTEXT_LENGTH}.
     */
    public long[] encode(String text) {
        int[] ids = ids(text);
        long[] out = new long[CONTEXT_LENGTH];
        Arrays.fill(out, padId);
        out[0] = bosId;
        int n = Math.min(ids.length, MAX_CONTENT_TOKENS);
        for (int i = 0; i < n; i++) {
            out[i + 1] = ids[i];
        }
        out[n + 1] = eosId;
        return out;
    }

    /** BOS, every BPE id of the prompt (no truncation), EOS. */
    public long[] encodeUntruncated(String text) {
        int[] ids = ids(text);
        long[] out = new long[ids.length + 2];
        out[0] = bosId;
        for (int i = 0; i < ids.length; i++) {
            out[i + 1] = ids[i];
        }
        out[ids.length + 1] = eosId;
        return out;
    }

    /** The BPE ids of the prompt, without BOS/EOS and without truncation. */
    public int[] ids(String text) {
        return tokenize(text).stream().mapToInt(p -> vocab.getOrDefault(p, unkId)).toArray();
    }

    /** The BPE pieces of the prompt (e.g. {@code ["a</w>", "ye", "llow</w>"]}), untruncated. */
    public List<String> tokenize(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PRE_TOKEN.matcher(normalize(text));
        while (m.find()) {
            pieces.addAll(bpe(byteEncode(m.group())));
        }
        return pieces;
    }

    /** How many tokens the prompt uses; more than {@value #MAX_CONTENT_TOKENS} are cut off by {@link #encode}. */
    public int countTokens(String text) {
        return tokenize(text).size();
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    public int padId() {
        return padId;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /**
     * transformers' {@code BasicTokenizer} (do_lower_case, no accent stripping, no punctuation split) followed by
     * CLIPTokenizer's extra {@code lower()}: the text normalisation used when ftfy is not installed.
     */
    static String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                return;
            }
            if (isWhitespace(cp)) {
                cleaned.append(' ');
            } else if (isCjk(cp)) {
                cleaned.append(' ').appendCodePoint(cp).append(' ');
            } else {
                cleaned.appendCodePoint(cp);
            }
        });
        String nfc = Normalizer.normalize(cleaned, Normalizer.Form.NFC);
        String[] words = nfc.trim().split(" +");
        return String.join(" ", words).toLowerCase(Locale.ROOT);
    }

    private static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r'
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    /** The CJK Unicode blocks of BERT's {@code _is_chinese_char}. */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** UTF-8 bytes of a pre-token, each mapped to its printable stand-in (GPT-2 {@code bytes_to_unicode}). */
    private static String byteEncode(String token) {
        byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = BYTE_TO_UNICODE[bytes[i] & 0xFF];
        }
        return new String(out);
    }

    /**
     * GPT-2's byte → character table: printable Latin-1 bytes (33–126, 161–172, 174–255) stand for themselves,
     * the other 68 bytes get code points 256, 257, … in byte order.
     */
    static char[] bytesToUnicode() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            table[b] = (char) (printable ? b : next++);
        }
        return table;
    }

    /** BPE of one byte-encoded pre-token: repeatedly merges the adjacent pair of lowest rank. */
    private List<String> bpe(String token) {
        synchronized (cache) {
            List<String> hit = cache.get(token);
            if (hit != null) {
                return hit;
            }
        }
        List<String> word = new ArrayList<>(token.length());
        for (int i = 0; i < token.length() - 1; i++) {
            word.add(String.valueOf(token.charAt(i)));
        }
        word.add(token.charAt(token.length() - 1) + END_OF_WORD);
        while (word.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i < word.size() - 1; i++) {
                Integer rank = mergeRanks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    first = word.get(i);
                    second = word.get(i + 1);
                }
            }
            if (first == null) {
                break;
            }
            word = mergeAll(word, first, second);
        }
        List<String> result = List.copyOf(word);
        synchronized (cache) {
            cache.put(token, result);
        }
        return result;
    }

    /** Replaces every non-overlapping occurrence of (first, second), left to right, by their concatenation. */
    private static List<String> mergeAll(List<String> word, String first, String second) {
        List<String> merged = new ArrayList<>(word.size());
        int i = 0;
        while (i < word.size()) {
            if (i < word.size() - 1 && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                merged.add(first + second);
                i += 2;
            } else {
                merged.add(word.get(i));
                i++;
            }
        }
        return merged;
    }
}
