package org.lorastudio.model.clip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.LoadReport;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.util.UserException;

/**
 * transformers' {@code CLIPTextModel}: the text half of CLIP, whose {@code last_hidden_state} [B, 77, hidden] is the
 * UNet's context. Parameter names equal the transformers keys ({@code text_model.encoder.layers.0.mlp.fc1.weight}).
 * Building allocates nothing; {@link #loadWeights} sets the parameters.
 */
public final class ClipTextModel extends Module {
    /** A persistent buffer in older transformers files; positions are always regenerated (FORMATS §3.1). */
    static final String POSITION_IDS = "text_model.embeddings.position_ids";

    private final ClipTextConfig config;
    private final ClipTextTransformer textModel;

    public ClipTextModel(ClipTextConfig config) {
        this.config = config;
        this.textModel = child("text_model", new ClipTextTransformer(config));
    }

    /** A model shaped by {@code config.json} (the file, or the folder holding it); weights not loaded. */
    public static ClipTextModel fromConfig(Path config) {
        return new ClipTextModel(ClipTextConfig.fromConfig(config));
    }

    /**
     * Builds the model from a transformers folder ({@code config.json} + {@code model.safetensors}, e.g. a diffusers
     * {@code text_encoder/}) and loads its weights into {@code manager} as {@code floatType}.
     */
    public static ClipTextModel fromPretrained(Path folder, NDManager manager, DataType floatType) {
        ClipTextModel model = fromConfig(folder);
        Path weights = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new UserException("The text encoder weights " + weights + " are missing.");
        }
        model.loadWeights(weights, manager, floatType);
        return model;
    }

    /** Loads weights stored under transformers keys; a {@code position_ids} buffer in the file is skipped. */
    public LoadReport loadWeights(Path safetensors, NDManager manager, DataType floatType) {
        try (SafetensorsFile file = SafetensorsFile.open(safetensors)) {
            Map<String, Weights.TensorRef> refs = Weights.refs(file, k -> POSITION_IDS.equals(k) ? null : k);
            return Weights.load(this, refs, manager, floatType, safetensors.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + safetensors, e);
        }
    }

    /** {@code last_hidden_state} of the normal output: {@code forward(ids, 1)}. */
    public NDArray forward(NDArray inputIds) {
        return forward(inputIds, 1);
    }

    /**
     * Encodes token ids without an attention mask (as the SD pipelines do).
     *
     * @param inputIds (B, T) int64 with T ≤ max_position_embeddings (77)
     * @param clipSkip A1111/kohya clip skip, 1 … num_hidden_layers: 1 is the last layer, k takes
     *                 {@code hidden_states[-k]}; the final layer norm is applied in every case
     * @return (B, T, hidden) on the manager of {@code inputIds}
     */
    public NDArray forward(NDArray inputIds, int clipSkip) {
        return textModel.forward(inputIds, clipSkip);
    }

    public ClipTextConfig config() {
        return config;
    }
}
