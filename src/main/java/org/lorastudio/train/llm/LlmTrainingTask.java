package org.lorastudio.train.llm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.llm.CausalLmLoss;
import org.lorastudio.llm.LlmBatch;
import org.lorastudio.llm.LlmData;
import org.lorastudio.llm.LlmDataReader;
import org.lorastudio.llm.LlmExampleEncoder;
import org.lorastudio.llm.LlmTokenizer;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PeftConfig;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.llm.TokenizedExample;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

/**
 * Causal-LM LoRA training (PEFT recipe, FORMATS §7): instruction data rendered with the prompt template, prompt and
 * padding labels masked with −100 unless {@code train_on_inputs}, EOS appended, truncation to
 * {@code max_seq_length}; LoRA on the config's {@code target_modules}; loss = shifted cross-entropy in float32.
 * The adapter is saved as a PEFT folder; samples are generated answers to {@code sample_prompts}.
 */
public final class LlmTrainingTask implements TrainingTask {
    private final TrainingConfig config;
    private final SeedStreams streams;
    private LlamaForCausalLM model;
    private LlmTokenizer tokenizer;
    private LoraNetwork network;
    private PeftConfig peft;
    private List<TokenizedExample> examples = List.of();
    private String dataHash;
    /** Held-out examples (issue 16): not trained on. */
    private List<TokenizedExample> validation = List.of();
    private org.lorastudio.run.ValidationSet validationSet;
    /** 1-based number of each training example in the data (before examples were held out), for its name. */
    private int[] numbers = new int[0];

    public LlmTrainingTask(TrainingConfig config) {
        this.config = config;
        this.streams = new SeedStreams(config.seed());
    }

    @Override
    public void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException {
        if (config.mixedPrecision() != org.lorastudio.config.MixedPrecision.NO) {
            throw new UserException("mixed_precision: " + config.mixedPrecision().yamlName() + " is not available for"
                    + " language-model training yet; use mixed_precision: no");
        }
        Path base = config.baseModel().resolved();
        events.accept(new TrainingEvent.Preparing("loading base model", 0, 1));
        model = LlamaForCausalLM.fromPretrained(base, manager);
        tokenizer = LlmTokenizer.fromFolder(base);
        events.accept(new TrainingEvent.Preparing("loading base model", 1, 1));
        LlmData data = LlmDataReader.read(config.trainDataDir().resolved());
        LlmExampleEncoder.Encoded enc = LlmExampleEncoder.of(tokenizer, config).encodeAll(data.requireValid());
        examples = enc.examples().stream().filter(e -> hasTrainedToken(e)).toList();
        if (examples.isEmpty()) {
            throw new UserException(config.trainDataDir().resolved() + ": no example has a response token left to"
                    + " train on (check max_seq_length: " + config.maxSeqLength() + ")");
        }
        if (enc.truncated() > 0) {
            events.accept(new TrainingEvent.Log(enc.truncated() + " of " + enc.examples().size()
                    + " examples were cut to max_seq_length " + config.maxSeqLength()));
        }
        splitValidation();
        events.accept(new TrainingEvent.Preparing("tokenizing", examples.size(), examples.size()));
        dataHash = hashData(config.trainDataDir().resolved());
        peft = PeftConfig.of(config, base.toString());
        network = PeftAdapter.create(model, peft, manager, streams.javaRandom(SeedStreams.LORA_INIT, 0));
        network.setDropout((float) config.loraDropout());
        network.setTrainable(true);
        network.setTraining(true);
        network.attach();
    }

    /** Holds out validation_split of the examples (chosen from the seed), or reads validation_data_dir. */
    private void splitValidation() throws IOException {
        List<String> names = new ArrayList<>();
        if (config.validationDataDir().isPresent()) {
            Path dir = config.validationDataDir().get().resolved();
            LlmData data = LlmDataReader.read(dir);
            validation = LlmExampleEncoder.of(tokenizer, config).encodeAll(data.requireValid()).examples().stream()
                    .filter(LlmTrainingTask::hasTrainedToken).toList();
            if (validation.isEmpty()) {
                throw new UserException("validation_data_dir " + dir + " has no example with a response token");
            }
            for (int i = 0; i < validation.size(); i++) {
                names.add("example " + (i + 1));
            }
            validationSet = new org.lorastudio.run.ValidationSet(org.lorastudio.run.ValidationSet.FROM_FOLDER, 0,
                    dir.toString(), names);
            return;
        }
        int[] held = org.lorastudio.train.ValidationSplit.heldOut(examples.size(), config.validationSplit(), streams);
        if (held.length == 0) {
            return;
        }
        boolean[] mask = org.lorastudio.train.ValidationSplit.mask(examples.size(), held);
        List<TokenizedExample> kept = new ArrayList<>();
        List<TokenizedExample> out = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            (mask[i] ? out : kept).add(examples.get(i));
            if (mask[i]) {
                names.add("example " + (i + 1));
            }
        }
        examples = List.copyOf(kept);
        validation = List.copyOf(out);
        numbers = java.util.stream.IntStream.range(0, mask.length).filter(i -> !mask[i]).map(i -> i + 1).toArray();
        validationSet = new org.lorastudio.run.ValidationSet(org.lorastudio.run.ValidationSet.FROM_SPLIT,
                config.validationSplit(), config.trainDataDir().resolved().toString(), names);
    }

    @Override
    public java.util.Optional<org.lorastudio.run.ValidationSet> validationSet() {
        return java.util.Optional.ofNullable(validationSet);
    }

    /** Token-weighted mean cross-entropy of the held-out examples, one at a time, without dropout or gradients. */
    @Override
    @SuppressWarnings("try")
    public double validationLoss(NDManager manager) {
        network.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            double sum = 0;
            long count = 0;
            for (TokenizedExample e : validation) {
                try (NDManager m = manager.newSubManager()) {
                    LlmBatch.Arrays3 a = LlmBatch.collate(List.of(e), tokenizer.padId()).toArrays(m);
                    NDArray logits = model.forward(a.inputIds(), a.attentionMask()).toType(DataType.FLOAT32, false);
                    sum += CausalLmLoss.sum(logits, a.labels()).getFloat();
                    count += CausalLmLoss.count(a.labels());
                }
            }
            return sum / Math.max(1, count);
        } finally {
            network.setTraining(true);
        }
    }

    @Override
    public String itemName(int item) {
        return "example " + (item < numbers.length ? numbers[item] : item + 1);
    }

    private static boolean hasTrainedToken(TokenizedExample e) {
        long[] labels = e.labels();
        for (int i = 1; i < labels.length; i++) {
            if (labels[i] != TokenizedExample.IGNORE) {
                return true;
            }
        }
        return false;
    }

    private static String hashData(Path p) throws IOException {
        if (Files.isRegularFile(p)) {
            return Hashing.sha256(p);
        }
        MessageDigest md = Hashing.newSha256();
        try (var s = Files.walk(p)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                md.update(p.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(Hashing.sha256(f).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    @Override
    public List<int[]> microBatches(int epoch) {
        int[] order = streams.permutation(examples.size(), epoch);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < order.length; i += config.batchSize()) {
            out.add(java.util.Arrays.copyOfRange(order, i, Math.min(order.length, i + config.batchSize())));
        }
        return out;
    }

    @Override
    public int itemsPerEpoch() {
        return examples.size();
    }

    @Override
    public NDArray loss(NDManager step, int[] items, int epoch, long microIndex) {
        return itemLosses(step, items, epoch, microIndex).mean();
    }

    @Override
    public ItemLosses itemLosses(NDManager step, int[] items, int epoch, long microIndex) {
        streams.seedEngine(SeedStreams.DROPOUT, microIndex);
        List<TokenizedExample> batch = new ArrayList<>();
        for (int i : items) {
            batch.add(examples.get(i));
        }
        LlmBatch.Arrays3 a = LlmBatch.collate(batch, tokenizer.padId()).toArrays(step);
        NDArray logits = model.forward(a.inputIds(), a.attentionMask());
        NDArray[] parts = CausalLmLoss.lossAndPerExample(logits.toType(DataType.FLOAT32, false), a.labels());
        return new ItemLosses(parts[0], parts[1].toFloatArray());
    }

    @Override
    public LoraNetwork network() {
        return network;
    }

    @Override
    public Map<String, ParamGroup> parameterGroups() {
        Map<String, ParamGroup> g = new LinkedHashMap<>();
        g.put("lora", new ParamGroup(config.learningRate(), network.namedArrays()));
        return g;
    }

    @Override
    public void saveAdapter(Path target, Map<String, String> metadata) throws IOException {
        PeftAdapter.write(network, target, peft);
    }

    @Override
    public String adapterExtension() {
        return "";
    }

    @Override
    @SuppressWarnings("try")
    public List<Path> sample(NDManager manager, int step, Path samplesDir) throws IOException {
        if (config.samplePrompts().isEmpty()) {
            return List.of();
        }
        network.setTraining(false);
        List<Path> files = new java.util.ArrayList<>();
        try (NoGrad g = NoGrad.enter(); NDManager m = manager.newSubManager()) {
            TextGenerator gen = new TextGenerator(model, tokenizer);
            List<String> prompts = config.samplePrompts();
            for (int k = 0; k < prompts.size(); k++) {
                TextGenerator.Result r = gen.generate(PromptTemplates.prompt(config.promptTemplate(), prompts.get(k)),
                        new TextGenerator.Settings(64, 0, 1, config.sampleSeed()), m);
                // the run's sample convention (SampleIndex): one text per prompt, read by Train, Compare and reports
                Path file = samplesDir.resolve(org.lorastudio.run.SampleIndex.fileName(step, k, "txt"));
                AtomicFiles.writeString(file, r.text().strip() + "\n");
                files.add(file);
            }
        } finally {
            network.setTraining(true);
        }
        return files;
    }

    @Override
    public org.lorastudio.run.DatasetFingerprint fingerprint() {
        return new org.lorastudio.run.DatasetFingerprint(dataHash, examples.size());
    }

    @Override
    public Map<String, String> adapterMetadata() {
        return Map.of();
    }

    @Override
    public void close() {
        if (network != null) {
            network.detach();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
    }
}
