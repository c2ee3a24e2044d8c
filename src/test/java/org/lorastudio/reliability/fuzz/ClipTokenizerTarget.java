package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.testing.Fixtures;

/**
 * {@link ClipTokenizer} on hostile captions: any text is a legal caption, so nothing may be rejected at all. The
 * input bytes become text as UTF-8 (bad bytes as U+FFFD), or, when the first byte is odd, as raw UTF-16 so that
 * lone surrogates and other unpaired code units reach the tokenizer as a Java string from a UI field would carry
 * them.
 *
 * <p>Invariants: {@code encode} gives {@value ClipTokenizer#CONTEXT_LENGTH} ids starting with BOS, ending its
 * content with EOS and padding with the pad id; every id is one the vocabulary holds; token counts agree
 * between {@code countTokens}, {@code ids} and {@code encodeUntruncated}; tokenizing twice (cached) gives the same.
 */
final class ClipTokenizerTarget implements FuzzTarget {
    private final ClipTokenizer tokenizer;

    ClipTokenizerTarget() {
        tokenizer = ClipTokenizer.fromFolder(Fixtures.path("sd-tiny-a/model-diffusers/tokenizer"));
    }

    @Override
    public String name() {
        return "clip-tokenizer";
    }

    @Override
    public List<String> dictionary() {
        return List.of("<|startoftext|>", "<|endoftext|>", "<|endoftext", "'s", "'ll", "\u0301\u0301\u0301",
                "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\u4E2D\u6587", "\uAC00", "\u0627\u0644",
                "\u202E", "\u200B", "\u00A0", "\u3000", "\uFB01", "\u00DF", "\u0130", "\uFFFD", "\uFEFF", "\u0000",
                "\t\n\r", "   ", "1234567890", "!!!!!!!!", "a".repeat(300), "\uD800", "\uDC00", "\u1E9E", "\u2163",
                "(masterpiece:1.2)", "[[cat]]", "score_9, score_8_up");
    }

    @Override
    public int maxLength() {
        return 4 << 10;
    }

    @Override
    public String run(byte[] input) {
        String text = input.length > 0 && (input[0] & 1) == 1
                ? new String(input, 1, input.length - 1, StandardCharsets.UTF_16BE)
                : new String(input, StandardCharsets.UTF_8);
        if (input.length > 0 && (input[0] & 1) == 1) {
            // UTF_16BE decoding replaces lone surrogates; build the raw string so that they survive
            char[] chars = new char[(input.length - 1) / 2];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = (char) (((input[1 + 2 * i] & 0xFF) << 8) | (input[2 + 2 * i] & 0xFF));
            }
            text = new String(chars);
        }
        long[] encoded = tokenizer.encode(text);
        int[] bpe = tokenizer.ids(text);
        assertThat(encoded).hasSize(ClipTokenizer.CONTEXT_LENGTH);
        assertThat(encoded[0]).isEqualTo(tokenizer.bosId());
        int n = Math.min(bpe.length, ClipTokenizer.MAX_CONTENT_TOKENS);
        assertThat(encoded[n + 1]).isEqualTo(tokenizer.eosId());
        for (int i = n + 2; i < encoded.length; i++) {
            assertThat(encoded[i]).isEqualTo(tokenizer.padId());
        }
        for (int id : bpe) {
            assertThat(id).isBetween(0, tokenizer.vocabSize() - 1);
        }
        assertThat(tokenizer.countTokens(text)).isEqualTo(bpe.length);
        assertThat(tokenizer.encodeUntruncated(text)).hasSize(bpe.length + 2);
        assertThat(tokenizer.ids(text)).as("same ids the second time (cache)").isEqualTo(bpe);
        assertThat(Arrays.copyOfRange(encoded, 1, n + 1))
                .isEqualTo(Arrays.stream(bpe).limit(n).asLongStream().toArray());
        return "accepted";
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        // Every caption is legal: there is no clear way to reject one.
        return false;
    }
}
