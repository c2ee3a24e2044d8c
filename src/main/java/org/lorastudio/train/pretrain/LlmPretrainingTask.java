package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.llm.CausalLmLoss;
import org.lorastudio.llm.LlmBatch;
import org.lorastudio.llm.LlmDataReader;
import org.lorastudio.llm.LlmExampleEncoder;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.llm.TokenizedExample;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.nn.FullParameters;
import org.lorastudio.run.DatasetFingerprint;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

/**
 * Pretraining of a causal language model (issue 14): every parameter of a {@link LlamaForCausalLM} on a text
 * corpus, with the loss of {@code LlmTrainingTask} — the data read and encoded the same way (plain-text records are
 * trained on every token, EOS appended, cut to {@code max_seq_length}), shifted cross-entropy in float32 — but with
 * {@link FullParameters} instead of a LoRA. The saved "adapter" is the whole model folder (the base folder's config
 * and tokenizer, the trained {@code model.safetensors}); samples are greedy answers to {@code sample_prompts} in the
 * config's prompt template.
 */
public final class LlmPretrainingTask implements TrainingTask {
    /** The group and key prefix of the model's parameters ({@code llm.model.layers.0.self_attn.q_proj.weight}). */
    static final String GROUP = "llm";

    private final TrainingConfig config;
    private final SeedStreams streams;
    private LlamaForCausalLM model;
    private LlmTokenizer tokenizer;
    private FullParameters weights;
    private List<TokenizedExample> examples = List.of();
    private String dataHash;

    public LlmPretrainingTask(TrainingConfig config) {
        this.config = config;
        this.streams = new SeedStreams(config.seed());
    }

    @Override
    public void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException {
        Path base = config.baseModel().resolved();
        events.accept(new TrainingEvent.Preparing("loading base model", 0, 1));
        model = LlamaForCausalLM.fromPretrained(base, manager);
        tokenizer = LlmTokenizer.fromFolder(base);
        events.accept(new TrainingEvent.Preparing("loading base model", 1, 1));
        Path data = config.trainDataDir().resolved();
        LlmExampleEncoder.Encoded enc = LlmExampleEncoder.of(tokenizer, config)
                .encodeAll(LlmDataReader.read(data).requireValid());
        examples = enc.examples().stream().filter(e -> e.trainedTokens() > 1).toList();
        if (examples.isEmpty()) {
            throw new UserException(data + ": no document has two or more tokens to train on");
        }
        if (enc.truncated() > 0) {
            events.accept(new TrainingEvent.Log(enc.truncated() + " of " + enc.examples().size()
                    + " documents were cut to max_seq_length " + config.maxSeqLength()));
        }
        events.accept(new TrainingEvent.Preparing("tokenizing", examples.size(), examples.size()));
        dataHash = Hashing.sha256(data);
        weights = FullParameters.of(Map.of(GROUP, model));
        weights.setTrainable(true);
    }

    @Override
    public List<int[]> microBatches(int epoch) {
        int[] order = streams.permutation(examples.size(), epoch);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < order.length; i += config.batchSize()) {
            out.add(Arrays.copyOfRange(order, i, Math.min(order.length, i + config.batchSize())));
        }
        return out;
    }

    @Override
    public int itemsPerEpoch() {
        return examples.size();
    }

    @Override
    public NDArray loss(NDManager step, int[] items, int epoch, long microIndex) {
        List<TokenizedExample> batch = new ArrayList<>(items.length);
        for (int i : items) {
            batch.add(examples.get(i));
        }
        LlmBatch.Arrays3 a = LlmBatch.collate(batch, tokenizer.padId()).toArrays(step);
        NDArray logits = model.forward(a.inputIds(), a.attentionMask()); // (B, T, V) float32
        return CausalLmLoss.loss(logits, a.labels());
    }

    @Override
    public FullParameters network() {
        return weights;
    }

    @Override
    public Map<String, ParamGroup> parameterGroups() {
        Map<String, ParamGroup> groups = new LinkedHashMap<>();
        groups.put(GROUP, new ParamGroup(config.learningRate(), weights.namedArrays(GROUP)));
        return groups;
    }

    @Override
    public void saveAdapter(Path target, Map<String, String> metadata) throws IOException {
        DemoBaseModel.copy(config.baseModel().resolved(), target);
        DemoBaseModel.writeWeights(model, target.resolve("model.safetensors"));
    }

    @Override
    public String adapterExtension() {
        return "";
    }

    @Override
    @SuppressWarnings("try")
    public List<Path> sample(NDManager manager, int step, Path samplesDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (NoGrad g = NoGrad.enter(); NDManager m = manager.newSubManager()) {
            TextGenerator gen = new TextGenerator(model, tokenizer);
            List<String> prompts = config.samplePrompts();
            for (int k = 0; k < prompts.size(); k++) {
                TextGenerator.Result r = gen.generate(PromptTemplates.prompt(config.promptTemplate(), prompts.get(k)),
                        TextGenerator.Settings.greedy(64), m);
                Path file = samplesDir.resolve(org.lorastudio.run.SampleIndex.fileName(step, k, "txt"));
                AtomicFiles.writeString(file, r.text().strip() + "\n");
                files.add(file);
            }
        }
        return files;
    }

    @Override
    public DatasetFingerprint fingerprint() {
        return new DatasetFingerprint(dataHash, examples.size());
    }

    @Override
    public Map<String, String> adapterMetadata() {
        return Map.of("lorastudio_pretrain_phase", "llm");
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
