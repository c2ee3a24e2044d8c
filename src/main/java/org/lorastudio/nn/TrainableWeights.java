package org.lorastudio.nn;

import java.util.Map;

import ai.djl.ndarray.NDArray;

/**
 * The trainable weights of a training run, as the trainer sees them: what a checkpoint saves and restores, what is
 * counted, and what records gradients. A LoRA's side-car arrays ({@code LoraNetwork}) are one kind, every parameter
 * of whole models ({@link FullParameters}, for pretraining or full fine-tuning) another.
 */
public interface TrainableWeights {

    /** The arrays by checkpoint key, in a stable order. */
    Map<String, NDArray> namedArrays();

    /**
     * Replaces every array with the one under its key in {@code byKey} (resume from a checkpoint); a missing key or
     * another shape is an error naming the key.
     */
    void loadWeights(Map<String, NDArray> byKey);

    /** Marks every array as trainable (gradients recorded) or frozen. */
    void setTrainable(boolean trainable);

    /** Number of trainable numbers. */
    long parameterCount();
}
