package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    /** A named set of trainable arrays sharing a learning rate. */
    record ParamGroup(double lr, Map<String, NDArray> arrays) {
    }
}
