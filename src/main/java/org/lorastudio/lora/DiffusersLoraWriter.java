package org.lorastudio.lora;

import java.io.IOException;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Module;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.UserException;

/**
 * Writes a {@link LoraNetwork} in the diffusers / PEFT layout ({@code pytorch_lora_weights.safetensors}, FORMATS
 * §4.2): {@code unet.<module path>.lora_A.weight} / {@code .lora_B.weight} and {@code text_encoder.<path>…}. The
 * layout has no alpha, so alpha / rank is folded into B, exactly as diffusers saves a kohya LoRA; loaders then use
 * scale 1 and get the same model.
 */
public final class DiffusersLoraWriter {
    private DiffusersLoraWriter() {
    }

    /**
     * @param components prefix ({@code unet}, {@code text_encoder}) → the model whose layers the LoRA targets
     */
    public static void write(LoraNetwork network, Map<String, Module> components, Path target, DType precision,
                             Map<String, String> metadata) throws IOException {
        Map<AdaptableLayer, String> keyOf = new IdentityHashMap<>();
        components.forEach((prefix, model) -> LoraTargets.layers(model).forEach((path, layer) ->
                keyOf.put(layer, prefix + "." + path)));
        SafetensorsWriter w = new SafetensorsWriter();
        for (LoraLayer l : network.layers().values()) {
            String key = keyOf.get(l.target());
            if (key == null) {
                throw new UserException("LoRA layer " + l.name() + " belongs to no model being saved");
            }
            add(w, key + ".lora_A.weight", l.down(), 1f, precision);
            add(w, key + ".lora_B.weight", l.up(), l.scale(), precision);
        }
        w.metadata(metadata).write(target);
    }

    private static void add(SafetensorsWriter w, String key, NDArray a, float factor, DType precision) {
        float[] v = a.toType(DataType.FLOAT32, false).toFloatArray();
        if (factor != 1f) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
        }
        w.addFloats(key, a.getShape().getShape(), v, precision);
    }
}
