package org.lorastudio.llm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.util.AtomicFiles;

/**
 * Writes a minimal byte-level BPE tokenizer in the Hugging Face {@code tokenizers} format (GPT-2's byte-to-unicode
 * alphabet, no merges): the special tokens first (ids 0 … n−1), then one token per byte (id n + byte value). It
 * can encode any text, and {@code tokenizer_config.json} says to prepend BOS, like Llama. Used by the demo model and
 * by tests; the output is a pure function of the arguments (stable key order, no timestamps).
 */
public final class ByteLevelTokenizerFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private ByteLevelTokenizerFiles() {
    }

    /** The special tokens of a Llama-2-like tokenizer: pad 0, BOS 1, EOS 2. */
    public static final List<String> LLAMA_SPECIALS = List.of("<pad>", "<s>", "</s>");

    /** Vocabulary size: the special tokens plus 256 bytes. */
    public static int vocabSize(List<String> specials) {
        return specials.size() + 256;
    }

    /** GPT-2's {@code bytes_to_unicode}: printable bytes map to themselves, the others to U+0100 upwards. */
    static char[] byteToUnicode() {
        char[] out = new char[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            out[b] = printable ? (char) b : (char) (256 + extra++);
        }
        return out;
    }

    /** {@code tokenizer.json} text with {@code specials[1]} as BOS added by the post-processor. */
    public static String tokenizerJson(List<String> specials, String bos) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", bos).put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens").putObject(bos);
        st.put("id", bos);
        st.putArray("ids").add(specials.indexOf(bos));
        st.putArray("tokens").add(bos);
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "ByteLevel");
        dec.put("add_prefix_space", true);
        dec.put("trim_offsets", true);
        dec.put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < specials.size(); i++) {
            vocab.put(specials.get(i), i);
        }
        char[] alphabet = byteToUnicode();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(alphabet[b]), specials.size() + b);
        }
        model.putArray("merges");
        return write(root);
    }

    /** {@code tokenizer_config.json}: BOS prepended, no EOS, the given pad/bos/eos strings. */
    public static String tokenizerConfigJson(String pad, String bos, String eos, int modelMaxLength) {
        ObjectNode root = JSON.createObjectNode();
        root.put("add_bos_token", true);
        root.put("add_eos_token", false);
        root.put("bos_token", bos);
        root.put("eos_token", eos);
        root.put("pad_token", pad);
        root.put("model_max_length", modelMaxLength);
        root.put("clean_up_tokenization_spaces", false);
        root.put("tokenizer_class", "PreTrainedTokenizerFast");
        return write(root);
    }

    /** Writes {@code tokenizer.json} and {@code tokenizer_config.json} for the Llama-like specials into a folder. */
    public static void writeLlamaLike(Path folder, int modelMaxLength) throws IOException {
        AtomicFiles.writeString(folder.resolve("tokenizer.json"), tokenizerJson(LLAMA_SPECIALS, "<s>"));
        AtomicFiles.writeString(folder.resolve("tokenizer_config.json"),
                tokenizerConfigJson("<pad>", "<s>", "</s>", modelMaxLength));
    }

    private static String write(ObjectNode root) {
        try {
            return PRETTY.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
