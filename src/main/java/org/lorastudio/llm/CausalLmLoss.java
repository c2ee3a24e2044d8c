package org.lorastudio.llm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * transformers' {@code LlamaForCausalLM} loss (FORMATS §7): logits at position n predict the token at n + 1
 * (drop the last logit and the first label), cross-entropy in float32, averaged over the labels that are not
 * −100. {@link #sum} and {@link #count} let a trainer average over several micro-batches itself.
 */
public final class CausalLmLoss {
    private CausalLmLoss() {
    }

    /** Mean loss, a float32 scalar; 0 when no label counts. */
    public static NDArray loss(NDArray logits, NDArray labels) {
        NDArray[] parts = sumAndCount(logits, labels);
        return parts[0].div(parts[1].maximum(1f));
    }

    /**
     * The mean loss (as {@link #loss}) and each sequence's own mean over its counted tokens, shape (B), off the
     * graph; a sequence without counted tokens has 0.
     */
    public static NDArray[] lossAndPerExample(NDArray logits, NDArray labels) {
        NDArray[] parts = sumAndCount(logits, labels);
        NDArray perExample = parts[2].stopGradient().sum(new int[] {1}).neg()
                .div(parts[3].sum(new int[] {1}).maximum(1f)); // (B, T-1) -> (B)
        return new NDArray[] {parts[0].div(parts[1].maximum(1f)), perExample};
    }

    /** Sum of the per-token losses (float32 scalar). */
    public static NDArray sum(NDArray logits, NDArray labels) {
        return sumAndCount(logits, labels)[0];
    }

    /** Number of tokens the loss counts (labels[:, 1:] ≠ −100). */
    public static long count(NDArray labels) {
        return labels.get(new NDIndex(":, 1:")).neq(TokenizedExample.IGNORE).sum().toType(DataType.INT64, false)
                .getLong();
    }

    /**
     * @param logits (B, T, V)
     * @param labels (B, T) int64
     */
    private static NDArray[] sumAndCount(NDArray logits, NDArray labels) {
        org.lorastudio.runtime.Placement.inputs("loss_logits_labels", null, logits, labels);
        long v = logits.getShape().get(2);
        NDArray shifted = logits.get(new NDIndex(":, :-1, :")); // (B, T, V) -> (B, T-1, V)
        if (shifted.getDataType() != DataType.FLOAT32) {
            shifted = shifted.toType(DataType.FLOAT32, false);
        }
        NDArray target = labels.get(new NDIndex(":, 1:")).toType(DataType.INT64, false); // (B, T) -> (B, T-1)
        NDArray keep = target.neq(TokenizedExample.IGNORE); // (B, T-1) bool
        NDArray safe = target.mul(keep.toType(DataType.INT64, false)); // −100 -> 0, masked below
        NDArray logProbs = shifted.reshape(-1, v).logSoftmax(-1); // (B·(T-1), V)
        NDArray picked = logProbs.gather(safe.reshape(-1, 1), 1).reshape(-1); // (B·(T-1))
        NDArray weights = keep.reshape(-1).toType(DataType.FLOAT32, false);
        NDArray masked = picked.mul(weights);
        NDArray total = masked.sum().neg();
        long b = target.getShape().get(0);
        return new NDArray[] {total, weights.sum(), masked.reshape(b, -1), weights.reshape(b, -1)}; // (B, T-1)
    }
}
