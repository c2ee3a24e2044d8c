package org.lorastudio.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.safetensors.TensorInfo;

/**
 * Saved optimizer state: the optimizer name, the step count and every buffer by key {@code <param>.<slot>} (e.g.
 * {@code lora_unet_..._to_q.lora_down.weight.exp_avg}, slot names as in torch's state dicts). Values are float32 and
 * round-trip exactly through {@link #save}/{@link #load} (stored as F32).
 *
 * @param optimizer config name of the optimizer that wrote it
 * @param step      number of optimizer steps taken
 * @param buffers   buffers by key, in parameter order
 */
public record OptimizerState(String optimizer, long step, Map<String, Buffer> buffers) {
    static final String META_OPTIMIZER = "lorastudio.optimizer";
    static final String META_STEP = "lorastudio.optimizer_step";
    private static final String PREFIX = "state.";

    /** One state tensor. */
    public record Buffer(long[] shape, float[] values) {
        public Buffer {
            shape = shape.clone();
            values = values.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        @Override
        public float[] values() {
            return values.clone();
        }
    }

    public OptimizerState {
        buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
    }

    /** The buffers as a plain key → values map. */
    public Map<String, float[]> asFloatArrays() {
        Map<String, float[]> out = new LinkedHashMap<>();
        buffers.forEach((k, b) -> out.put(k, b.values()));
        return out;
    }

    /** Adds the state to a safetensors writer (tensors {@code state.<key>}, name and step in the metadata). */
    public SafetensorsWriter addTo(SafetensorsWriter writer) {
        writer.metadata(META_OPTIMIZER, optimizer).metadata(META_STEP, Long.toString(step));
        buffers.forEach((k, b) -> writer.addFloats(PREFIX + k, b.shape, b.values, DType.F32));
        return writer;
    }

    /** Writes the state to its own safetensors file (atomically). */
    public void save(Path file) throws IOException {
        addTo(new SafetensorsWriter()).write(file);
    }

    /** Reads the state written by {@link #addTo}/{@link #save}. */
    public static OptimizerState read(SafetensorsFile file) throws IOException {
        String name = file.metadata().get(META_OPTIMIZER);
        String step = file.metadata().get(META_STEP);
        if (name == null || step == null) {
            throw new IOException(file.path() + " holds no optimizer state (metadata " + META_OPTIMIZER + " / "
                    + META_STEP + " missing)");
        }
        Map<String, Buffer> buffers = new LinkedHashMap<>();
        for (TensorInfo t : file.tensors().values()) {
            if (t.name().startsWith(PREFIX)) {
                buffers.put(t.name().substring(PREFIX.length()), new Buffer(t.shape(), file.readFloats(t.name())));
            }
        }
        try {
            return new OptimizerState(name, Long.parseLong(step), buffers);
        } catch (NumberFormatException e) {
            throw new IOException(file.path() + ": optimizer step '" + step + "' is not an integer", e);
        }
    }

    /** Loads a state file written by {@link #save}. */
    public static OptimizerState load(Path path) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            return read(f);
        }
    }
}
