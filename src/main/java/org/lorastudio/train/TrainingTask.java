package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lorastudio.nn.TrainableWeights;

/**
 * The model-specific half of a training run (SD 1.5 images or a causal language model); {@link Trainer} owns the
 * loop, the run folder, checkpoints, metrics and events, and calls these methods on its own thread.
 */
public interface TrainingTask extends AutoCloseable {

    /** Loads the model and data into {@code manager}, attaches the LoRA (if any); reports progress. */
    void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException;

    /** Micro-batches (item indices) of one epoch, in training order; the same for the same seed and epoch. */
    List<int[]> microBatches(int epoch);

    /** Number of training items (with repeats) in an epoch. */
    int itemsPerEpoch();

    /**
     * The loss of one micro-batch (a scalar float32 array in {@code step}'s manager), computed while the caller's
     * gradient collector records. {@code microIndex} numbers micro-batches across the whole run; all randomness of
     * the micro-batch derives from it (bit-identical resume).
     */
    NDArray loss(NDManager step, int[] items, int epoch, long microIndex);

    /**
     * {@link #loss} together with each item's own loss (plain values, in the order of {@code items}), for the
     * per-image loss of issue 16. Tasks that can tell items apart override this and let {@link #loss} return its
     * mean; the default has no per-item values.
     */
    default ItemLosses itemLosses(NDManager step, int[] items, int epoch, long microIndex) {
        return new ItemLosses(loss(step, items, epoch, microIndex), null);
    }

    /** A stable name of training item {@code item} in per_image_loss.json (an image's path in the data set). */
    default String itemName(int item) {
        return "item " + item;
    }

    /** The items the validation loss is measured on (after {@link #prepare}); empty when none are held out. */
    default Optional<org.lorastudio.run.ValidationSet> validationSet() {
        return Optional.empty();
    }

    /**
     * The mean loss of the validation set under the current weights, in inference mode (no gradients, no dropout)
     * and with the same timesteps and noise per item at every call, so values compare across steps and runs.
     * Only called when {@link #validationSet()} is present.
     */
    default double validationLoss(NDManager manager) {
        throw new UnsupportedOperationException("this task has no validation set");
    }

    /**
     * Called right after the loss of a micro-batch was back-propagated, inside the same gradient collector: a task
     * that defers part of its backward pass (gradient checkpointing) finishes it here.
     */
    default void afterBackward() {
    }

    /** The weights being trained: a LoRA's side-cars, or every parameter of the models (pretraining). */
    TrainableWeights network();

    /**
     * Parameter groups by name ({@code unet}, {@code text_encoder}, or {@code lora}), each with its learning rate
     * and its arrays by key; one optimizer per group.
     */
    Map<String, ParamGroup> parameterGroups();

    /** Writes the LoRA in the config's output format with the run's metadata. */
    void saveAdapter(Path target, Map<String, String> metadata) throws IOException;

    /** File name extension of a saved adapter ({@code .safetensors}, or empty for a PEFT folder). */
    default String adapterExtension() {
        return ".safetensors";
    }

    /** Generates samples at {@code step} into {@code samplesDir}; returns the written files (may be empty). */
    List<Path> sample(NDManager manager, int step, Path samplesDir) throws IOException;

    /** The data set's fingerprint for run.json (SHA-256 over every item and caption, and the item count). */
    org.lorastudio.run.DatasetFingerprint fingerprint() throws IOException;

    /** Metadata describing the data and model for the adapter file (e.g. kohya ss_* keys). */
    Map<String, String> adapterMetadata();

    @Override
    void close();

    /**
     * A micro-batch's loss and its items' own losses.
     *
     * @param mean the scalar loss the trainer back-propagates
     * @param perItem each item's loss in batch order, or null when the task does not tell them apart
     */
    record ItemLosses(NDArray mean, float[] perItem) {
    }

    /** A named set of trainable arrays sharing a learning rate. */
    record ParamGroup(double lr, Map<String, NDArray> arrays) {
    }
}
