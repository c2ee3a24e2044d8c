package org.lorastudio.llm;

import java.util.Arrays;

/**
 * One example as token ids and labels of equal length: a label is the token id where the loss counts and
 * {@link #IGNORE} (−100, torch's {@code ignore_index}) on prompt tokens (unless {@code train_on_inputs}).
 *
 * @param truncated whether the example was cut to {@code max_seq_length}
 */
public record TokenizedExample(long[] inputIds, long[] labels, boolean truncated, String source) {
    /** Label of positions without loss (prompt, padding). */
    public static final long IGNORE = -100;

    public TokenizedExample {
        if (inputIds.length != labels.length) {
            throw new IllegalArgumentException("ids and labels differ in length: " + inputIds.length + " vs "
                    + labels.length);
        }
        inputIds = inputIds.clone();
        labels = labels.clone();
    }

    @Override
    public long[] inputIds() {
        return inputIds.clone();
    }

    @Override
    public long[] labels() {
        return labels.clone();
    }

    public int length() {
        return inputIds.length;
    }

    /** Tokens the loss is computed on (labels ≠ −100 after position 0, which the shift drops). */
    public int trainedTokens() {
        int n = 0;
        for (int i = 1; i < labels.length; i++) {
            if (labels[i] != IGNORE) {
                n++;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedExample t && Arrays.equals(inputIds, t.inputIds)
                && Arrays.equals(labels, t.labels) && truncated == t.truncated && source.equals(t.source);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "TokenizedExample[" + source + ", " + inputIds.length + " tokens, " + trainedTokens() + " trained"
                + (truncated ? ", truncated" : "") + "]";
    }
}
