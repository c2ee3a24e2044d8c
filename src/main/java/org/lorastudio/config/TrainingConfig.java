package org.lorastudio.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * One training run's settings (SPEC §4), immutable and complete: every key has a value (its default when the YAML
 * did not give one), and keys that may stay unset are {@link Optional}. Components follow {@link ConfigFields}
 * one to one and in the same order; the descriptors hold types, ranges, defaults and docs, this record holds values
 * and the values derived from them ({@link #effectiveLoraAlpha()}, {@link #totalSteps(int)}, {@link #semanticName()}).
 *
 * <p>Build one with {@link #fromYaml(Path)} or {@link ConfigLoader}, or {@link #minimal} plus {@link #with}; a
 * config built in code is checked with {@link #validate()}. The canonical constructor is long because the SPEC's
 * table is; nobody calls it by hand: {@link ConfigRecords} fills it from the descriptors by component name, and a
 * test keeps components and descriptors in step.
 */
public record TrainingConfig(
        // Model
        String name, ModelType modelType, ConfigPath baseModel,
        // Data
        ConfigPath trainDataDir, Optional<ConfigPath> metadataPath, int resolution, boolean enableBucket,
        boolean cacheLatents, double validationSplit, Optional<ConfigPath> validationDataDir,
        int validationEveryNSteps,
        // LoRA
        int loraRank, Optional<Double> loraAlpha, double loraDropout, List<String> unetTargetModules,
        List<String> textEncoderTargetModules, List<String> targetModules,
        // Optimizer
        Optimizer optimizer, double learningRate, Optional<Double> unetLr, Optional<Double> textEncoderLr,
        double weightDecay, double adamBeta1, double adamBeta2, double adamEpsilon, double maxGradNorm,
        // Schedule
        int batchSize, int gradientAccumulationSteps, int epochs, Optional<Integer> maxTrainSteps,
        LrScheduler lrScheduler, int lrWarmupSteps, int seed,
        // Saving
        Optional<ConfigPath> outputDir, int saveSteps, Optional<Integer> saveLastN, SavePrecision savePrecision,
        SaveFormat saveFormat,
        // Sampling
        int sampleEveryNSteps, List<String> samplePrompts, String sampleNegativePrompt, int sampleSteps,
        Sampler sampleSampler, int sampleSeed, double sampleGuidance,
        // Augmentation
        boolean shuffleCaption, int keepTokens, double captionDropoutRate, double captionTagDropoutRate,
        boolean flipAug,
        // Advanced
        MixedPrecision mixedPrecision, boolean gradientCheckpointing, String device, double noiseOffset,
        Optional<Double> minSnrGamma, PredictionType predictionType, int clipSkip,
        // LLM
        int maxSeqLength, PromptTemplate promptTemplate, boolean trainOnInputs) {

    /** Null checks and defensive copies only; value ranges are the validator's job so that it can list them all. */
    public TrainingConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(baseModel, "baseModel");
        Objects.requireNonNull(trainDataDir, "trainDataDir");
        Objects.requireNonNull(metadataPath, "metadataPath");
        Objects.requireNonNull(validationDataDir, "validationDataDir");
        Objects.requireNonNull(loraAlpha, "loraAlpha");
        unetTargetModules = List.copyOf(unetTargetModules);
        textEncoderTargetModules = List.copyOf(textEncoderTargetModules);
        targetModules = List.copyOf(targetModules);
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(unetLr, "unetLr");
        Objects.requireNonNull(textEncoderLr, "textEncoderLr");
        Objects.requireNonNull(maxTrainSteps, "maxTrainSteps");
        Objects.requireNonNull(lrScheduler, "lrScheduler");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(saveLastN, "saveLastN");
        Objects.requireNonNull(savePrecision, "savePrecision");
        Objects.requireNonNull(saveFormat, "saveFormat");
        samplePrompts = List.copyOf(samplePrompts);
        Objects.requireNonNull(sampleNegativePrompt, "sampleNegativePrompt");
        Objects.requireNonNull(sampleSampler, "sampleSampler");
        Objects.requireNonNull(mixedPrecision, "mixedPrecision");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(minSnrGamma, "minSnrGamma");
        Objects.requireNonNull(predictionType, "predictionType");
        Objects.requireNonNull(promptTemplate, "promptTemplate");
    }

    // ---- named constructors -------------------------------------------------------------------------------------

    /**
     * Reads and validates a YAML config file.
     *
     * @throws ConfigException listing every problem when the file is not a valid config
     */
    public static TrainingConfig fromYaml(Path file) {
        return ConfigLoader.load(file).config();
    }

    /** Like {@link #fromYaml(Path)} with {@code --set key=value} overrides applied on top of the file. */
    public static TrainingConfig fromYaml(Path file, List<String> overrides) {
        return ConfigLoader.load(file, overrides).config();
    }

    /**
     * A config with the three required keys and every other key at its default. Relative paths resolve against
     * the working directory.
     *
     * @throws ConfigException when the name is not allowed
     */
    public static TrainingConfig minimal(String name, Path baseModel, Path trainDataDir) {
        Path cwd = Path.of("").toAbsolutePath();
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigField f : ConfigFields.all()) {
            values.put(f.key(), f.defaultValue());
        }
        values.put("name", name);
        values.put("base_model", ConfigPath.of(baseModel.toString(), cwd));
        values.put("train_data_dir", ConfigPath.of(trainDataDir.toString(), cwd));
        TrainingConfig config = ConfigRecords.build(values);
        List<ConfigProblem> errors = config.validate().stream().filter(ConfigProblem::isError).toList();
        if (!errors.isEmpty()) {
            throw new ConfigException(name, errors);
        }
        return config;
    }

    // ---- generic access (form, presets, diffs) ------------------------------------------------------------------

    /** The typed value of a key ({@code Integer}, {@code ConfigPath}, an enum...); {@code null} when unset. */
    public Object get(String key) {
        return ConfigRecords.get(this, ConfigFields.get(key));
    }

    /**
     * A copy with one key changed. The value must have the key's Java type ({@code Integer} for integer keys,
     * {@code Double} for numbers, {@link ConfigPath} for paths, the enum for choices, {@code List<String>});
     * {@code null} unsets an optional key. Ranges are not checked here: call {@link #validate()}.
     *
     * @throws IllegalArgumentException for an unknown key or a value of the wrong type
     */
    public TrainingConfig with(String key, Object value) {
        ConfigField field = ConfigFields.byKey(key)
                .orElseThrow(() -> new IllegalArgumentException("unknown config key " + key));
        if (value == null ? !field.optional() : !field.type().valueClass().isInstance(value)) {
            throw new IllegalArgumentException(key + " needs a " + field.type().valueClass().getSimpleName()
                    + (field.optional() ? " or null" : "") + ", got " + value);
        }
        Map<String, Object> values = typedValues();
        values.put(key, value);
        return ConfigRecords.build(values);
    }

    /** Every problem of this config (ranges and cross-field rules), without file lines; empty when it is valid. */
    public List<ConfigProblem> validate() {
        return ConfigValidator.validate(this, ConfigValidator.Locator.NONE);
    }

    /**
     * Every key with a plain value, in descriptor order, for diffing runs and provenance: numbers, booleans,
     * strings, lists, enum names as in YAML, paths as absolute strings, {@code null} for unset keys.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (ConfigField f : ConfigFields.all()) {
            Object v = ConfigRecords.get(this, f);
            map.put(f.key(), v == null ? null : f.type().plain(v));
        }
        return map;
    }

    /** The resolved config as YAML for a file in {@code dir} (relative paths are written relative to it). */
    public String toYaml(Path dir) {
        return ConfigWriter.toYaml(this, dir);
    }

    /** Saves the resolved config atomically (see {@link ConfigWriter#save}). */
    public void save(Path file) throws IOException {
        ConfigWriter.save(this, file);
    }

    Map<String, Object> typedValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigField f : ConfigFields.all()) {
            values.put(f.key(), ConfigRecords.get(this, f));
        }
        return values;
    }

    // ---- derived values -----------------------------------------------------------------------------------------

    /** LoRA alpha; unset means alpha = rank, i.e. scale 1. */
    public double effectiveLoraAlpha() {
        return loraAlpha.orElse((double) loraRank);
    }

    /** The factor applied to the LoRA path: alpha / rank. */
    public double loraScale() {
        return effectiveLoraAlpha() / loraRank;
    }

    public double effectiveUnetLr() {
        return unetLr.orElse(learningRate);
    }

    public double effectiveTextEncoderLr() {
        return textEncoderLr.orElse(learningRate);
    }

    /** Whether the UNet gets LoRA modules (image models only). */
    public boolean trainsUnet() {
        return modelType == ModelType.SD15 && !unetTargetModules.isEmpty();
    }

    /** Whether the text encoder gets LoRA modules; when not, it stays frozen and its outputs can be cached. */
    public boolean trainsTextEncoder() {
        return modelType == ModelType.SD15 && !textEncoderTargetModules.isEmpty();
    }

    /** Whether a validation loss is measured: part of the data is held out, or a validation folder is given. */
    public boolean hasValidation() {
        return validationSplit > 0 || validationDataDir.isPresent();
    }

    /** Items per optimizer step: batch size times gradient-accumulation steps. */
    public int effectiveBatchSize() {
        return batchSize * gradientAccumulationSteps;
    }

    /**
     * Optimizer steps in one epoch over {@code items} items: ceil(ceil(items / batch) / accumulation), as kohya
     * and diffusers count them (a last, smaller batch still takes a step).
     */
    public int stepsPerEpoch(int items) {
        if (items <= 0) {
            return 0;
        }
        int batches = (items + batchSize - 1) / batchSize;
        return (batches + gradientAccumulationSteps - 1) / gradientAccumulationSteps;
    }

    /** Total optimizer steps for a data set of {@code items}: max_train_steps when set, else epochs per epoch. */
    public int totalSteps(int items) {
        return maxTrainSteps.orElseGet(() -> (int) Math.min(Integer.MAX_VALUE, (long) epochs * stepsPerEpoch(items)));
    }

    /** The steps at which step checkpoints are saved in a run of {@code totalSteps} steps (the end not included). */
    public List<Integer> checkpointSteps(int totalSteps) {
        if (saveSteps == 0) {
            return List.of();
        }
        return IntStream.iterate(saveSteps, s -> s < totalSteps, s -> s + saveSteps).boxed().toList();
    }

    /** The folder runs are created in: output_dir when set, else {@code <workspace>/runs}. */
    public Path outputDirOr(Path workspace) {
        return outputDir.map(ConfigPath::resolved).orElseGet(() -> workspace.resolve("runs"));
    }

    /**
     * The LoRA file name stem carrying the key settings (SPEC §5), e.g. {@code cyberpunk_r16_lr1.5e-4_ep15}, or
     * {@code ..._steps2000} when max_train_steps is set. Safe as a file name on every OS: characters other than
     * letters, digits, {@code . _ -} become {@code _}; leading dots are dropped (no hidden files); the name part is
     * cut to {@link #MAX_NAME_BYTES} bytes of UTF-8, because file systems limit a name to 255 bytes, not characters,
     * and 80 CJK characters (the longest name a config allows) are 240 bytes before the settings and
     * {@code -step<N>.safetensors} are added.
     */
    public String semanticName() {
        String safeName = name.strip().replaceAll("[^\\p{L}\\p{N}._-]+", "_").replaceAll("^[._]+|_+$", "");
        safeName = cutUtf8(safeName, MAX_NAME_BYTES).replaceAll("_+$", "");
        String length = maxTrainSteps.map(s -> "steps" + s).orElse("ep" + epochs);
        return (safeName.isEmpty() ? "lora" : safeName) + "_r" + loraRank
                + "_lr" + ConfigNumbers.compact(learningRate) + "_" + length;
    }

    /** Longest name part of {@link #semanticName()} in UTF-8 bytes; the settings and suffixes add at most ~70. */
    static final int MAX_NAME_BYTES = 120;

    /** The longest prefix of {@code s} whose UTF-8 form fits {@code maxBytes}, never splitting a code point. */
    private static String cutUtf8(String s, int maxBytes) {
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }
}
