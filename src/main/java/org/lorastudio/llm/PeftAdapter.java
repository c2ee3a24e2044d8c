package org.lorastudio.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.lora.LoraFile;
import org.lorastudio.lora.LoraLayer;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Parameter;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * PEFT LoRA adapters of a language model (peft {@code LoraModel}, {@code save_pretrained},
 * {@code merge_and_unload}): create one from a {@link PeftConfig}, read and write the adapter folder
 * ({@code adapter_config.json} + {@code adapter_model.safetensors} with keys
 * {@code base_model.model.<module path>.lora_A.weight} [r, in] / {@code lora_B.weight} [out, r]), and merge it into a
 * full model folder. The networks built here name their layers by module path
 * ({@code model.layers.0.self_attn.q_proj}), the name PEFT keys carry, and use {@link LoraNetwork}'s side-cars, so
 * the base weights never change until {@link #merge}.
 */
public final class PeftAdapter {
    /** The adapter weights file peft writes. */
    public static final String WEIGHTS = "adapter_model.safetensors";
    /** The adapter config file peft writes. */
    public static final String CONFIG = "adapter_config.json";
    private static final String PREFIX = "base_model.model.";

    private PeftAdapter() {
    }

    /** An adapter read from a folder: its config and its network (not yet attached). */
    public record Loaded(PeftConfig config, LoraNetwork network) {
    }

    /**
     * Resolves target module names against the model's Linear layers (path → layer, module order), with peft's
     * rule: a path equal to the name or ending with {@code "." + name}; a regex config must match the whole path.
     * A name that matches nothing is an error listing every Linear layer name the model has — the most common
     * mistake with LoRA configs.
     */
    public static Map<String, AdaptableLayer> targets(Module model, PeftConfig config) {
        Map<String, AdaptableLayer> linears = new LinkedHashMap<>();
        LoraTargets.layers(model).forEach((path, layer) -> {
            if (layer instanceof Linear) {
                linears.put(path, layer);
            }
        });
        Set<String> chosen = new LinkedHashSet<>();
        if (config.targetRegex().isPresent()) {
            Pattern p;
            try {
                p = Pattern.compile(config.targetRegex().get());
            } catch (PatternSyntaxException e) {
                throw new UserException("target_modules regex '" + config.targetRegex().get() + "' is invalid: "
                        + e.getDescription());
            }
            linears.keySet().stream().filter(k -> p.matcher(k).matches()).forEach(chosen::add);
            if (chosen.isEmpty()) {
                throw new UserException("target_modules regex '" + p + "' matches no Linear layer of the model; its"
                        + " Linear layers are " + String.join(", ", linearNames(linears.keySet())) + ".");
            }
        }
        for (String raw : config.targetModules()) {
            String t = raw.trim();
            List<String> hits = linears.keySet().stream().filter(k -> k.equals(t) || k.endsWith("." + t)).toList();
            if (hits.isEmpty()) {
                List<String> names = linearNames(linears.keySet());
                String closest = names.stream().min(Comparator.comparingInt(n -> editDistance(n, t))).orElse("");
                throw new UserException("target_modules entry '" + t + "' matches no Linear layer of the model. Its"
                        + " Linear layers are: " + String.join(", ", names) + " (did you mean '" + closest + "'?).");
            }
            chosen.addAll(hits);
        }
        Map<String, AdaptableLayer> out = new LinkedHashMap<>();
        linears.forEach((k, v) -> {
            if (chosen.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Distinct last path components of the Linear layers (q_proj, k_proj, …, lm_head), in module order. */
    static List<String> linearNames(Set<String> paths) {
        Set<String> names = new LinkedHashSet<>();
        for (String p : paths) {
            names.add(p.substring(p.lastIndexOf('.') + 1));
        }
        return List.copyOf(names);
    }

    /**
     * A new trainable adapter: A kaiming-uniform (U(±1/√in), peft's default {@code init_lora_weights=True}) drawn
     * from {@code init}, B zeros, so the adapted model starts equal to the base model.
     */
    public static LoraNetwork create(Module model, PeftConfig config, NDManager manager, Random init) {
        return LoraNetwork.create(targets(model, config), config.r(), networkAlpha(config), manager, init);
    }

    /** The alpha a {@link LoraLayer} needs so that its alpha / rank equals the config's scale (rsLoRA included). */
    static float networkAlpha(PeftConfig config) {
        return (float) (config.scale() * config.r());
    }

    /** Reads an adapter folder and builds its network over {@code model}'s layers (not attached). */
    public static Loaded read(Path folder, Module model, NDManager manager) {
        PeftConfig config = PeftConfig.read(folder);
        Path weights = folder.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights)) {
            if (Files.exists(folder.resolve("adapter_model.bin"))) {
                SafetensorsFile.refusePickle(folder.resolve("adapter_model.bin"));
            }
            throw new UserException(folder + " has no " + WEIGHTS + ".");
        }
        LoraFile file;
        try {
            file = LoraFile.read(weights);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + weights, e);
        }
        if (file.format() != LoraFile.Format.PEFT) {
            throw new UserException(weights + " is a " + file.format() + " LoRA, not a PEFT adapter of a language"
                    + " model (keys base_model.model.<module>.lora_A.weight)");
        }
        Map<String, AdaptableLayer> layers = LoraTargets.layers(model);
        Map<String, AdaptableLayer> chosen = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (LoraFile.ModuleWeights w : file.modules().values()) {
            AdaptableLayer layer = layers.get(w.name());
            if (!(layer instanceof Linear l)) {
                problems.add("'" + w.name() + "' is not a Linear layer of the model");
            } else if (w.rank() != config.r()) {
                problems.add("'" + w.name() + "' has rank " + w.rank() + " but r is " + config.r());
            } else if (!Arrays.equals(w.downShape(), new long[] {config.r(), l.inFeatures()})
                    || !Arrays.equals(w.upShape(), new long[] {l.outFeatures(), config.r()})) {
                problems.add("'" + w.name() + "' has A " + Arrays.toString(w.downShape()) + " and B "
                        + Arrays.toString(w.upShape()) + ", the layer needs [" + config.r() + ", " + l.inFeatures()
                        + "] and [" + l.outFeatures() + ", " + config.r() + "]");
            } else {
                chosen.put(w.name(), layer);
            }
        }
        if (!problems.isEmpty()) {
            throw new UserException(folder.getFileName() + " does not fit this model: "
                    + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (" + problems.size() + " problems)" : "")
                    + " — was it trained for another base model?");
        }
        LoraNetwork network = LoraNetwork.create(chosen, config.r(), networkAlpha(config), manager, new Random(0));
        for (LoraLayer l : network.layers().values()) {
            LoraFile.ModuleWeights w = file.modules().get(l.name());
            l.down().set(w.down());
            l.up().set(w.up());
        }
        return new Loaded(config, network);
    }

    /**
     * Writes the adapter folder as peft's {@code save_pretrained} does: {@code adapter_config.json} and
     * {@code adapter_model.safetensors} (float32, metadata {@code format: pt}), each replaced atomically.
     */
    public static void write(LoraNetwork network, Path folder, PeftConfig config) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (LoraLayer l : network.layers().values()) {
            if (!l.name().contains(".") || l.name().startsWith("lora_")) {
                throw new IllegalArgumentException("layer '" + l.name() + "' is not named by module path; build the"
                        + " network with PeftAdapter.create or PeftAdapter.read");
            }
            if (l.rank() != config.r()) {
                throw new IllegalArgumentException("layer '" + l.name() + "' has rank " + l.rank() + ", config r "
                        + config.r());
            }
            w.addFloats(PREFIX + l.name() + ".lora_A.weight", l.down().getShape().getShape(), floats(l.down()),
                    DType.F32);
            w.addFloats(PREFIX + l.name() + ".lora_B.weight", l.up().getShape().getShape(), floats(l.up()), DType.F32);
        }
        Files.createDirectories(folder);
        w.write(folder.resolve(WEIGHTS));
        AtomicFiles.writeString(folder.resolve(CONFIG), config.toJson());
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Writes a full model folder with the adapter merged in (peft's {@code merge_and_unload}):
     * {@code W' = W + scale · multiplier · B @ A} for every adapted layer, all other tensors copied. The base model
     * in memory is not changed. {@code config.json} and the tokenizer / generation files are copied from the
     * model's source folder when it has one.
     *
     * @param storeAs dtype of the written tensors, or null to keep each tensor's original dtype (F32 for a model
     *                that was not loaded from files)
     */
    public static void merge(LlamaForCausalLM model, LoraNetwork network, Path outFolder, DType storeAs)
            throws IOException {
        if (model.sourceFolder().isPresent()
                && Files.isSameFile(model.sourceFolder().get(), Files.createDirectories(outFolder))) {
            throw new UserException("The merged model must go to a new folder, not over the base model "
                    + outFolder);
        }
        Files.createDirectories(outFolder);
        Map<AdaptableLayer, LoraLayer> byLayer = new LinkedHashMap<>();
        network.layers().values().forEach(l -> byLayer.put(l.target(), l));
        Map<Parameter, String> weightOf = new LinkedHashMap<>();
        model.namedModules().forEach((path, m) -> {
            if (m instanceof AdaptableLayer a && byLayer.containsKey(a)) {
                weightOf.put(a.weight(), path);
            }
        });
        Map<Path, SafetensorsFile> open = new LinkedHashMap<>();
        try {
            SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
            for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                String key = e.getKey();
                Parameter p = e.getValue();
                LlamaForCausalLM.SourceTensor src = model.sources().get(key);
                DType dtype = storeAs != null ? storeAs : src != null ? src.dtype() : DType.F32;
                long[] shape = p.shape().getShape();
                AdaptableLayer layer = null;
                if (weightOf.containsKey(p)) {
                    layer = (AdaptableLayer) model.module(weightOf.get(p));
                }
                if (layer != null) {
                    w.addFloats(key, shape, merged(p.array(), byLayer.get(layer)), dtype);
                } else if (src != null && src.dtype() == dtype) {
                    SafetensorsFile f = open.get(src.file());
                    if (f == null) {
                        f = SafetensorsFile.open(src.file());
                        open.put(src.file(), f);
                    }
                    w.copy(f, src.name(), key);
                } else {
                    w.addFloats(key, shape, floats(p.array()), dtype);
                }
            }
            w.write(outFolder.resolve("model.safetensors"));
        } finally {
            for (SafetensorsFile f : open.values()) {
                f.close();
            }
        }
        if (model.sourceFolder().isPresent()) {
            Path src = model.sourceFolder().get();
            for (String name : List.of("config.json", "generation_config.json", "tokenizer.json",
                    "tokenizer_config.json", "special_tokens_map.json")) {
                if (Files.isRegularFile(src.resolve(name))) {
                    AtomicFiles.writeBytes(outFolder.resolve(name), Files.readAllBytes(src.resolve(name)));
                }
            }
        } else {
            AtomicFiles.writeString(outFolder.resolve("config.json"), model.config().toJson().toPrettyString() + "\n");
        }
    }

    /** W + scale · multiplier · (B @ A) in float32, as Java floats. */
    private static float[] merged(NDArray weight, LoraLayer l) {
        try (NDManager m = weight.getManager().newSubManager()) {
            NDArray down = l.down().toType(DataType.FLOAT32, true);
            NDArray up = l.up().toType(DataType.FLOAT32, true);
            down.attach(m);
            up.attach(m);
            NDArray w = weight.toType(DataType.FLOAT32, true);
            w.attach(m);
            NDArray delta = up.matMul(down).mul(l.scale() * l.multiplier()); // (out, r) @ (r, in) -> (out, in)
            delta.attach(m);
            NDArray sum = w.add(delta);
            sum.attach(m);
            return sum.toFloatArray();
        }
    }

    static int editDistance(String a, String b) {
        return org.lorastudio.util.EditDistance.of(a, b);
    }
}
