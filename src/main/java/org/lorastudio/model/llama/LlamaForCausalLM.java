package org.lorastudio.model.llama;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.nn.LoadReport;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Parameter;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * transformers' {@code LlamaForCausalLM} (and the Mistral / Qwen2 variants, see {@link LlamaConfig}): {@code model}
 * ({@link LlamaModel}) and {@code lm_head}, which is absent when {@code tie_word_embeddings} is set (the embedding
 * matrix is reused). Registered names equal the Hugging Face keys, e.g.
 * {@code model.layers.0.self_attn.q_proj.weight}; building allocates nothing.
 */
public final class LlamaForCausalLM extends Module {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a loaded parameter came from (kept so that merge can stream unchanged tensors from the files). */
    public record SourceTensor(Path file, String name, DType dtype) {
    }

    private final LlamaConfig config;
    private final LlamaModel model;
    private final Linear lmHead;
    private Path sourceFolder;
    private Map<String, SourceTensor> sources = Map.of();

    public LlamaForCausalLM(LlamaConfig config) {
        this.config = config;
        this.model = child("model", new LlamaModel(config));
        this.lmHead = config.tieWordEmbeddings() ? null
                : child("lm_head", new Linear(config.hiddenSize(), config.vocabSize(), false));
    }

    /** Loads a Hugging Face model folder with float32 weights (BF16/F16 files are widened in Java). */
    public static LlamaForCausalLM fromPretrained(Path folder, NDManager manager) {
        return fromPretrained(folder, manager, DataType.FLOAT32);
    }

    /**
     * Loads a Hugging Face model folder: {@code config.json} plus {@code model.safetensors} or the shards listed in
     * {@code model.safetensors.index.json}. Pickle checkpoints ({@code pytorch_model.bin}) are refused.
     *
     * @param floatType FLOAT32, or FLOAT16 to keep half weights half (norms, softmax and logits stay float32)
     */
    public static LlamaForCausalLM fromPretrained(Path folder, NDManager manager, DataType floatType) {
        if (!Files.isDirectory(folder)) {
            throw new UserException(folder + " is not a folder — pass a Hugging Face model folder (config.json,"
                    + " model.safetensors, tokenizer.json).");
        }
        LlamaForCausalLM m = new LlamaForCausalLM(LlamaConfig.fromConfig(folder));
        m.loadWeights(folder, manager, floatType);
        return m;
    }

    /** Loads every parameter from the folder's safetensors file(s); any missing or extra key is an error. */
    public LoadReport loadWeights(Path folder, NDManager manager, DataType floatType) {
        List<Path> files = weightFiles(folder);
        List<SafetensorsFile> open = new ArrayList<>();
        try {
            Map<String, Weights.TensorRef> refs = new LinkedHashMap<>();
            for (Path p : files) {
                SafetensorsFile f = SafetensorsFile.open(p);
                open.add(f);
                for (Map.Entry<String, Weights.TensorRef> e : Weights.refs(f, this::modelKey).entrySet()) {
                    if (refs.put(e.getKey(), e.getValue()) != null) {
                        throw new UserException("tensor '" + e.getKey() + "' appears in two shards of " + folder
                                + " (" + refs.get(e.getKey()).file().path().getFileName() + ", " + p.getFileName()
                                + ")");
                    }
                }
            }
            LoadReport report = Weights.load(this, refs, manager, floatType, folder.getFileName().toString());
            Map<String, SourceTensor> src = new LinkedHashMap<>();
            refs.forEach((k, r) -> src.put(k, new SourceTensor(r.file().path(), r.name(), r.info().dtype())));
            this.sources = Collections.unmodifiableMap(src);
            this.sourceFolder = folder;
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("reading the weights of " + folder, e);
        } finally {
            for (SafetensorsFile f : open) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // read-only files; nothing to recover
                }
            }
        }
    }

    /** File key → model key; rotary buffers of old checkpoints and a stored lm_head of a tied model are skipped. */
    private String modelKey(String key) {
        if (key.endsWith(".rotary_emb.inv_freq")) {
            return null;
        }
        if (lmHead == null && "lm_head.weight".equals(key)) {
            return null;
        }
        return key;
    }

    /** The safetensors file(s) of a model folder, in shard order. */
    static List<Path> weightFiles(Path folder) {
        Path single = folder.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path index = folder.resolve("model.safetensors.index.json");
        if (Files.isRegularFile(index)) {
            JsonNode map;
            try {
                map = JSON.readTree(TextFiles.readUtf8(index)).path("weight_map");
            } catch (JacksonException e) {
                throw new UserException(index + " is not valid JSON: " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + index, e);
            }
            if (!map.isObject() || map.isEmpty()) {
                throw new UserException(index + " has no \"weight_map\" object listing the shards");
            }
            Set<String> shards = new LinkedHashSet<>();
            map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
            List<Path> out = new ArrayList<>();
            for (String s : shards) {
                Path p = folder.resolve(s).normalize();
                if (!p.getParent().equals(folder.normalize()) || !s.endsWith(".safetensors")) {
                    throw new UserException(index + " names shard '" + s + "', which is not a .safetensors file in "
                            + "the same folder");
                }
                if (!Files.isRegularFile(p)) {
                    throw new UserException("shard " + s + " listed in " + index.getFileName() + " is missing");
                }
                out.add(p);
            }
            return out;
        }
        for (String pickle : List.of("pytorch_model.bin", "pytorch_model.bin.index.json")) {
            if (Files.exists(folder.resolve(pickle))) {
                SafetensorsFile.refusePickle(folder.resolve("pytorch_model.bin"));
            }
        }
        throw new UserException(folder + " has no model.safetensors or model.safetensors.index.json — download the"
                + " safetensors version of the model.");
    }

    /**
     * Fills every parameter with seeded random values like transformers' {@code _init_weights}: Linear and
     * Embedding weights N(0, std²), biases 0, RMSNorm weights 1. Deterministic for a seed (Java {@link Random}).
     */
    public void initializeRandom(NDManager manager, long seed, double std) {
        Random random = new Random(seed);
        Weights.initialize(this, manager, p -> {
            float[] v = new float[Math.toIntExact(p.numel())];
            boolean norm = p.shape().dimension() == 1 && "weight".equals(p.name());
            for (int i = 0; i < v.length; i++) {
                v[i] = norm ? 1f : "bias".equals(p.name()) ? 0f : (float) (random.nextGaussian() * std);
            }
            return org.lorastudio.nn.Weights.owned(manager.create(v, p.shape()));
        });
        this.sources = Map.of();
        this.sourceFolder = null;
    }

    /** Logits (B, T, V) in float32 for int64 ids (B, T), causal attention only. */
    public NDArray forward(NDArray inputIds) {
        return forward(inputIds, null, null);
    }

    /** Logits (B, T, V) with a padding mask (B, T) of 1 (token) / 0 (padding), or null. */
    public NDArray forward(NDArray inputIds, NDArray attentionMask) {
        return forward(inputIds, attentionMask, null);
    }

    /**
     * @param inputIds      (B, T) int64
     * @param attentionMask (B, cached + T) 1/0, or null
     * @param cache         earlier keys/values (appended to), or null
     * @return logits (B, T, V) float32
     */
    public NDArray forward(NDArray inputIds, NDArray attentionMask, KvCache cache) {
        NDArray h = model.forward(inputIds, attentionMask, cache); // (B, T, H)
        NDArray logits = lmHead != null ? lmHead.forward(h)
                : ai.djl.nn.core.Linear.linear(h, model.embedTokens().weight().array()).singletonOrThrow();
        return logits.getDataType() == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** A fresh cache for incremental decoding with this model. */
    public KvCache newCache(NDManager manager) {
        return new KvCache(manager, config.numHiddenLayers());
    }

    public LlamaConfig config() {
        return config;
    }

    /** The decoder stack ({@code model.}). */
    public LlamaModel model() {
        return model;
    }

    /** The folder the weights were loaded from, empty for a randomly initialised model. */
    public Optional<Path> sourceFolder() {
        return Optional.ofNullable(sourceFolder);
    }

    /** The file and dtype each parameter was loaded from (empty for a randomly initialised model). */
    public Map<String, SourceTensor> sources() {
        return sources;
    }

    /** Every parameter by Hugging Face key. */
    public Map<String, Parameter> weights() {
        return namedParameters();
    }
}
