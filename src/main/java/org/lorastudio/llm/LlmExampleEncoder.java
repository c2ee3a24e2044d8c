package org.lorastudio.llm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.lorastudio.config.PromptTemplate;
import org.lorastudio.config.TrainingConfig;

/**
 * Renders examples with the prompt template and tokenizes them into ids + labels (FORMATS §7): prompt tokens get
 * −100 unless {@code train_on_inputs}, every response ends with EOS, and sequences longer than
 * {@code max_seq_length} are cut (counted).
 *
 * <p>The whole text is tokenized at once, so tokens are the same as at generation time; the boundary between a
 * prompt and a response is found by tokenizing the prefix before it (the alpaca-lora approach), with BOS per the
 * tokenizer's {@code add_bos_token}.
 */
public final class LlmExampleEncoder {
    private final LlmTokenizer tokenizer;
    private final PromptTemplate template;
    private final int maxSeqLength;
    private final boolean trainOnInputs;
    private final String eosText;
    private final Optional<ChatFormat> chat;
    private final long[] bos;

    public LlmExampleEncoder(LlmTokenizer tokenizer, PromptTemplate template, int maxSeqLength, boolean trainOnInputs) {
        if (maxSeqLength < 2) {
            throw new IllegalArgumentException("max_seq_length must be >= 2, found " + maxSeqLength);
        }
        this.tokenizer = tokenizer;
        this.template = template;
        this.maxSeqLength = maxSeqLength;
        this.trainOnInputs = trainOnInputs;
        this.eosText = tokenizer.eosToken().orElse("");
        this.chat = tokenizer.chatFormat();
        this.bos = tokenizer.prefixIds();
    }

    /** The encoder of a training config ({@code prompt_template}, {@code max_seq_length}, {@code train_on_inputs}). */
    public static LlmExampleEncoder of(LlmTokenizer tokenizer, TrainingConfig config) {
        return new LlmExampleEncoder(tokenizer, config.promptTemplate(), config.maxSeqLength(),
                config.trainOnInputs());
    }

    /** Examples encoded, with how many were cut and how many have no trained token left after the cut. */
    public record Encoded(List<TokenizedExample> examples, int truncated, int withoutTrainedTokens) {
        public Encoded {
            examples = List.copyOf(examples);
        }
    }

    public Encoded encodeAll(List<LlmExample> examples) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        int truncated = 0;
        int empty = 0;
        for (LlmExample e : examples) {
            TokenizedExample t = encode(e);
            out.add(t);
            truncated += t.truncated() ? 1 : 0;
            empty += t.trainedTokens() == 0 ? 1 : 0;
        }
        return new Encoded(out, truncated, empty);
    }

    public TokenizedExample encode(LlmExample example) {
        List<PromptTemplates.Segment> segments = PromptTemplates.segments(example, template, eosText, chat);
        StringBuilder full = new StringBuilder();
        segments.forEach(s -> full.append(s.text()));
        long[] ids = concat(bos, tokenizer.encode(full.toString(), false));
        long[] labels = new long[ids.length];
        Arrays.fill(labels, TokenizedExample.IGNORE);
        int chars = 0;
        int start = bos.length;
        for (int i = 0; i < segments.size(); i++) {
            PromptTemplates.Segment s = segments.get(i);
            chars += s.text().length();
            int end = i == segments.size() - 1 ? ids.length
                    : Math.min(ids.length, bos.length + tokenizer.encode(full.substring(0, chars), false).length);
            end = Math.max(end, start);
            if (s.trained() || trainOnInputs) {
                System.arraycopy(ids, start, labels, start, end - start);
            }
            start = end;
        }
        if (trainOnInputs) {
            System.arraycopy(ids, 0, labels, 0, bos.length);
        }
        boolean cut = ids.length > maxSeqLength;
        if (cut) {
            ids = Arrays.copyOf(ids, maxSeqLength);
            labels = Arrays.copyOf(labels, maxSeqLength);
        }
        return new TokenizedExample(ids, labels, cut, example.source());
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
