package org.lorastudio.lora;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.util.UserException;

/**
 * A set of {@link LoraLayer}s over one or more models, keyed by kohya module name. Creating or loading one does not
 * touch the base models; {@link #attach()} adds the side-cars to their layers and {@link #detach()} removes them, so
 * the base outputs come back exactly.
 */
public final class LoraNetwork implements org.lorastudio.nn.TrainableWeights {
    private final Map<String, LoraLayer> layers;
    private boolean attached;

    private LoraNetwork(Map<String, LoraLayer> layers) {
        this.layers = Collections.unmodifiableMap(layers);
    }

    /**
     * New trainable LoRA layers on {@code targets} (kohya name → layer): down kaiming-uniform(a=√5), i.e.
     * U(−1/√fan_in, 1/√fan_in) drawn from {@code init} (the run's "lora_init" stream), up zeros — so the network
     * starts as the identity (FORMATS §4.1, §5).
     */
    public static LoraNetwork create(Map<String, AdaptableLayer> targets, int rank, float alpha, NDManager manager,
                                     Random init) {
        Map<String, LoraLayer> out = new LinkedHashMap<>();
        for (Map.Entry<String, AdaptableLayer> e : targets.entrySet()) {
            AdaptableLayer layer = e.getValue();
            Shape ds = LoraLayer.downShape(layer, rank);
            float bound = (float) (1.0 / Math.sqrt(LoraLayer.fanIn(layer)));
            float[] down = new float[Math.toIntExact(ds.size())];
            for (int i = 0; i < down.length; i++) {
                down[i] = (init.nextFloat() * 2f - 1f) * bound;
            }
            NDArray d = org.lorastudio.nn.Weights.owned(manager.create(down, ds));
            NDArray u = manager.zeros(LoraLayer.upShape(layer, rank), DataType.FLOAT32);
            d.setName(e.getKey() + ".lora_down.weight");
            u.setName(e.getKey() + ".lora_up.weight");
            out.put(e.getKey(), new LoraLayer(e.getKey(), layer, rank, alpha, d, u));
        }
        return new LoraNetwork(out);
    }

    /**
     * LoRA layers with the weights of {@code file}, matched to {@code available} layers (kohya name → layer).
     * Modules the models do not have, and shape mismatches, are errors listing the names.
     */
    public static LoraNetwork fromFile(LoraFile file, Map<String, AdaptableLayer> available, NDManager manager) {
        Map<String, LoraLayer> out = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (LoraFile.ModuleWeights w : file.modules().values()) {
            AdaptableLayer layer = available.get(w.name());
            if (layer == null) {
                unknown.add(w.name());
                continue;
            }
            Shape ds = LoraLayer.downShape(layer, w.rank());
            Shape us = LoraLayer.upShape(layer, w.rank());
            if (ds.size() != w.down().length || us.size() != w.up().length
                    || !squeezedEquals(ds.getShape(), w.downShape()) || !squeezedEquals(us.getShape(), w.upShape())) {
                mismatched.add(w.name() + " (file down " + Arrays.toString(w.downShape()) + ", model " + ds + ")");
                continue;
            }
            NDArray d = org.lorastudio.nn.Weights.owned(manager.create(w.down(), ds));
            NDArray u = org.lorastudio.nn.Weights.owned(manager.create(w.up(), us));
            d.setName(w.name() + ".lora_down.weight");
            u.setName(w.name() + ".lora_up.weight");
            out.put(w.name(), new LoraLayer(w.name(), layer, w.rank(), w.alpha(), d, u));
        }
        if (!unknown.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder sb = new StringBuilder(file.path().getFileName() + " does not fit this model: ");
            if (!unknown.isEmpty()) {
                sb.append(unknown.size()).append(" modules the model does not have (")
                        .append(String.join(", ", unknown.subList(0, Math.min(5, unknown.size())))).append(")");
            }
            if (!mismatched.isEmpty()) {
                sb.append(unknown.isEmpty() ? "" : "; ").append(mismatched.size()).append(" with the wrong shape (")
                        .append(String.join(", ", mismatched.subList(0, Math.min(5, mismatched.size())))).append(")");
            }
            throw new UserException(sb.append(" — was it trained for another base model?").toString());
        }
        return new LoraNetwork(out);
    }

    private static boolean squeezedEquals(long[] a, long[] b) {
        return Arrays.equals(Arrays.stream(a).filter(d -> d != 1).toArray(), Arrays.stream(b).filter(d -> d != 1).toArray());
    }

    public Map<String, LoraLayer> layers() {
        return layers;
    }

    public int size() {
        return layers.size();
    }

    /** Adds every side-car to its layer (idempotent). */
    public void attach() {
        if (!attached) {
            layers.values().forEach(l -> l.target().addAdapter(l));
            attached = true;
        }
    }

    /** Removes every side-car from its layer. */
    public void detach() {
        if (attached) {
            layers.values().forEach(l -> l.target().removeAdapter(l));
            attached = false;
        }
    }

    /** Sets the strength of every layer (A1111's multiplier, diffusers' scale). */
    public void setMultiplier(float m) {
        layers.values().forEach(l -> l.setMultiplier(m));
    }

    /** The trainable arrays (down then up of each layer), in module order. */
    public List<NDArray> arrays() {
        List<NDArray> out = new ArrayList<>();
        for (LoraLayer l : layers.values()) {
            out.add(l.down());
            out.add(l.up());
        }
        return out;
    }

    /** Arrays by kohya tensor key ({@code name.lora_down.weight}, {@code name.lora_up.weight}). */
    @Override
    public Map<String, NDArray> namedArrays() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (LoraLayer l : layers.values()) {
            out.put(l.name() + ".lora_down.weight", l.down());
            out.put(l.name() + ".lora_up.weight", l.up());
        }
        return out;
    }

    /** Training mode (dropout on) or inference mode for every layer. */
    public void setTraining(boolean training) {
        layers.values().forEach(l -> l.setTraining(training));
    }

    /** Dropout probability on every layer's input (used in training mode only). */
    public void setDropout(float p) {
        layers.values().forEach(l -> l.setDropout(p));
    }

    /** Replaces the weights of every layer (resume from a checkpoint); shapes must match. */
    @Override
    public void loadWeights(Map<String, NDArray> byKohyaKey) {
        for (LoraLayer l : layers.values()) {
            NDArray d = byKohyaKey.get(l.name() + ".lora_down.weight");
            NDArray u = byKohyaKey.get(l.name() + ".lora_up.weight");
            if (d == null || u == null || !d.getShape().equals(l.down().getShape())
                    || !u.getShape().equals(l.up().getShape())) {
                throw new UserException("checkpoint does not match the LoRA layer " + l.name()
                        + " (was the config changed after the run started?)");
            }
            l.replaceWeights(d, u);
        }
    }

    /** Marks every LoRA array as trainable (gradients recorded). */
    @Override
    public void setTrainable(boolean trainable) {
        arrays().forEach(a -> a.setRequiresGradient(trainable));
    }

    /** Total number of LoRA weights. */
    @Override
    public long parameterCount() {
        long n = 0;
        for (NDArray a : arrays()) {
            n += a.size();
        }
        return n;
    }
}
