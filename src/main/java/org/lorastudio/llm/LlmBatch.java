package org.lorastudio.llm;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of tokenized examples, right-padded to the longest: {@code input_ids} (pad id), {@code attention_mask}
 * (1 token / 0 padding) and {@code labels} (−100 on padding), row-major (B, T). Plain Java values, so batches can
 * be built off the trainer thread; {@link #toArrays} makes the (B, T) int64 arrays.
 */
public record LlmBatch(int batchSize, int length, long[] inputIds, long[] attentionMask, long[] labels) {
    /** The three (B, T) int64 arrays of a batch. */
    public record Arrays3(NDArray inputIds, NDArray attentionMask, NDArray labels) {
    }

    /** Right-pads {@code examples} with {@code padId}. */
    public static LlmBatch collate(List<TokenizedExample> examples, long padId) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("empty batch");
        }
        int b = examples.size();
        int t = examples.stream().mapToInt(TokenizedExample::length).max().orElse(0);
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] labels = new long[b * t];
        Arrays.fill(ids, padId);
        Arrays.fill(labels, TokenizedExample.IGNORE);
        for (int i = 0; i < b; i++) {
            TokenizedExample e = examples.get(i);
            long[] ei = e.inputIds();
            System.arraycopy(ei, 0, ids, i * t, ei.length);
            System.arraycopy(e.labels(), 0, labels, i * t, ei.length);
            Arrays.fill(mask, i * t, i * t + ei.length, 1);
        }
        return new LlmBatch(b, t, ids, mask, labels);
    }

    /** Tokens the loss is computed on. */
    public long trainedTokens() {
        long n = 0;
        for (int i = 0; i < batchSize; i++) {
            for (int j = 1; j < length; j++) {
                n += labels[i * length + j] != TokenizedExample.IGNORE ? 1 : 0;
            }
        }
        return n;
    }

    public Arrays3 toArrays(NDManager manager) {
        Shape s = new Shape(batchSize, length);
        return new Arrays3(manager.create(inputIds, s), manager.create(attentionMask, s), manager.create(labels, s));
    }
}
