package org.lorastudio.train.sd;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.config.MixedPrecision;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.lora.KohyaLoraWriter;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.DType;
import org.lorastudio.sample.NoiseSchedule;
import org.lorastudio.sample.SchedulerConfig;
import org.lorastudio.train.BatchPlan;
import org.lorastudio.train.Bucket;
import org.lorastudio.train.Buckets;
import org.lorastudio.train.CaptionAugment;
import org.lorastudio.train.CropPlan;
import org.lorastudio.train.Losses;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.PredictionType;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Stable Diffusion 1.5 LoRA training (FORMATS §5; diffusers {@code train_text_to_image_lora.py} and kohya
 * {@code train_network.py}): VAE latents × scaling factor (moments cached once), noise (+ offset), uniform
 * timesteps, add_noise, ε or v target, MSE with optional min-SNR-γ weighting; LoRA side-cars on the UNet and
 * optionally the text encoder.
 *
 * <p>Every random draw of a micro-batch derives from the run seed and the micro-batch's index (engine seeded per
 * micro-batch; timesteps, captions and flips from named Java streams), so a resumed run repeats an uninterrupted one
 * bit for bit on the CPU.
 */
public final class SdTrainingTask implements TrainingTask {
    private final TrainingConfig config;
    private final SeedStreams streams;
    private StableDiffusion sd;
    private LoraNetwork network;
    private NoiseSchedule schedule;
    private Buckets buckets;
    private final List<Source> sources = new ArrayList<>();
    private final List<Item> items = new ArrayList<>();
    private final Map<String, float[]> contextCache = new HashMap<>();
    private CaptionAugment augment;
    private DataType computeType = DataType.FLOAT32;
    private Map<String, AdaptableLayer> unetTargets = Map.of();
    private Map<String, AdaptableLayer> teTargets = Map.of();
    private Dataset dataset;
    private org.lorastudio.model.unet.CheckpointedForward pending;
    private org.lorastudio.run.DatasetSnapshot pinned;
    /** Held-out images (issue 16), their VAE moments always cached; not trained on. */
    private final List<Source> validation = new ArrayList<>();
    private org.lorastudio.run.ValidationSet validationSet;

    /** One decoded source image: its bucket and cached VAE moments (and those of its mirror image). */
    private record Source(DatasetItem item, int bucket, float[] moments, float[] flippedMoments, float[] pixels,
                          float[] flippedPixels) {
    }

    /** One training item (a source repeated per kohya's N_name folders) with its caption. */
    private record Item(int source, String caption) {
    }

    /**
     * Makes {@link #prepare} train on the captions of {@code snapshot} (what the run read when it started) instead
     * of the caption files as they are now; the images must be unchanged. For resumed runs.
     */
    public void trainOn(org.lorastudio.run.DatasetSnapshot snapshot) {
        this.pinned = snapshot;
    }

    private static Dataset pinCaptions(Dataset now, org.lorastudio.run.DatasetSnapshot snapshot,
                                       Consumer<TrainingEvent> events) throws IOException {
        org.lorastudio.run.DatasetSnapshot.Drift drift =
                snapshot.compare(org.lorastudio.notes.DatasetDrift.snapshot(now));
        if (drift.imagesDiffer()) {
            throw new UserException("the data set " + now.root() + " changed since this run started ("
                    + drift.describe() + "); a resumed run must see the same images. Restore them, or fork the run"
                    + " (`lorastudio runs fork`) to train on the data set as it is now");
        }
        if (drift.captionsChanged() == 0) {
            return now;
        }
        Map<String, org.lorastudio.run.DatasetSnapshot.Item> then = snapshot.byName();
        List<DatasetItem> items = new ArrayList<>();
        for (DatasetItem it : now.items()) {
            items.add(new DatasetItem(it.image(), it.name(), it.format(), it.repeats(), it.size(),
                    Optional.ofNullable(then.get(it.name()).caption())));
        }
        events.accept(new TrainingEvent.Log(drift.captionsChanged() + " caption(s) changed since this run started;"
                + " it goes on training on the captions it started with"));
        return new Dataset(now.root(), now.source(), now.metadataFile(), items, now.problems());
    }

    public SdTrainingTask(TrainingConfig config) {
        this.config = config;
        this.streams = new SeedStreams(config.seed());
    }

    @Override
    public void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException {
        computeType = halfCompute(config.mixedPrecision(), manager.getDevice());
        if (computeType == DataType.FLOAT16) {
            events.accept(new TrainingEvent.Log("Mixed precision fp16: base model in float16, LoRA weights and"
                    + " optimizer state in float32, norms and loss in float32, dynamic loss scaling"));
        }
        events.accept(new TrainingEvent.Preparing("loading base model", 0, 1));
        sd = StableDiffusion.load(config.baseModel().resolved(), Optional.empty(), manager, computeType);
        events.accept(new TrainingEvent.Preparing("loading base model", 1, 1));
        SchedulerConfig sc = sd.scheduler().withPredictionType(
                config.predictionType() == org.lorastudio.config.PredictionType.V_PREDICTION
                        ? SchedulerConfig.PredictionType.V_PREDICTION : SchedulerConfig.PredictionType.EPSILON);
        schedule = new NoiseSchedule(sc);
        augment = new CaptionAugment(config.shuffleCaption(), config.keepTokens(), config.captionDropoutRate(),
                config.captionTagDropoutRate());
        dataset = DatasetScanner.scan(config.trainDataDir().resolved(),
                config.metadataPath().map(p -> p.resolved()));
        if (dataset.hasErrors()) {
            String first = dataset.problems().stream().filter(p -> p.severity() == org.lorastudio.dataset.Severity.ERROR)
                    .map(p -> p.file() + ": " + p.message()).findFirst().orElse("");
            throw new UserException("the data set " + dataset.root() + " has errors (first: " + first + "); run"
                    + " `lorastudio dataset check " + dataset.root() + "` and fix them");
        }
        if (dataset.items().isEmpty()) {
            throw new UserException("no images found in " + dataset.root() + " (png, jpg, webp, bmp)");
        }
        if (pinned != null) {
            dataset = pinCaptions(dataset, pinned, events);
        }
        int factor = 8 << (sd.unet().config().levels() - 1); // VAE ÷8, then each UNet level halves
        buckets = config.enableBucket()
                ? Buckets.generate(config.resolution(), Math.max(Buckets.defaultStep(config.resolution()), factor))
                : Buckets.square(config.resolution());
        List<DatasetItem> train = new ArrayList<>(dataset.items());
        List<DatasetItem> held = new ArrayList<>();
        splitValidation(train, held);
        encodeImages(manager, events, train, sources, false);
        encodeImages(manager, events, held, validation, true);
        for (int s = 0; s < sources.size(); s++) {
            DatasetItem it = sources.get(s).item();
            for (int r = 0; r < it.repeats(); r++) {
                items.add(new Item(s, it.captionOrEmpty()));
            }
        }
        attachLora(manager);
    }

    /**
     * The compute type of {@code precision}, or a one-line refusal. fp16 needs the cast kernel: DJL's own casts run
     * under libtorch's no-grad guard and would cut the graph between the fp16 model and the fp32 LoRA weights, so a
     * run would learn nothing. bf16 cannot be carried at all: DJL 0.36's PyTorch engine has no case for bfloat16 in
     * its type switch and aborts the JVM (std::terminate; measured: {@code NDArray.toType(BFLOAT16)} already does,
     * as do softmax, zeros/ones_like and backward on a bfloat16 tensor), and every UNet op here is a DJL call.
     */
    static DataType halfCompute(MixedPrecision precision, ai.djl.Device device) {
        return switch (precision) {
            case NO -> DataType.FLOAT32;
            case BF16 -> throw new UserException("mixed_precision: bf16 is not available: DJL 0.36's PyTorch engine"
                    + " aborts the JVM on bfloat16 tensors (its cast to bfloat16, softmax, zeros_like, backward);"
                    + " use fp16 or no");
            case FP16 -> {
                if (!org.lorastudio.nn.kernels.Kernels.active(org.lorastudio.nn.kernels.Kernels.Kernel.CAST, device)) {
                    throw new UserException("mixed_precision: fp16 needs the TorchScript cast kernel, which is off ("
                            + (org.lorastudio.nn.kernels.Kernels.enabled() ? "see `lorastudio doctor`"
                            : org.lorastudio.nn.kernels.Kernels.SWITCH + "=off") + "): DJL's own casts cut the"
                            + " gradients; use mixed_precision: no");
                }
                yield DataType.FLOAT16;
            }
        };
    }

    /** One image decoded and resized to its bucket (in Java arrays; no tensors off the trainer thread). */
    private record Decoded(int bucket, CropPlan plan, float[] px, float[] pxFlip) {
    }

    private Decoded decode(DatasetItem it) throws IOException {
        BufferedImage img = ImagePrep.read(it.image());
        int b = buckets.assign(img.getWidth(), img.getHeight());
        CropPlan plan = Buckets.cropPlan(img.getWidth(), img.getHeight(), buckets.get(b));
        return new Decoded(b, plan, ImagePrep.toTensor(img, plan, false),
                config.flipAug() ? ImagePrep.toTensor(img, plan, true) : null);
    }

    /**
     * Decodes and resizes the images on background threads (a few ahead) while this thread runs the VAE on the
     * ones already decoded; the result is the same as a serial loop's.
     */
    private void encodeImages(NDManager manager, Consumer<TrainingEvent> events, List<DatasetItem> list,
                              List<Source> into, boolean forValidation) throws IOException {
        try (org.lorastudio.train.Prefetcher<DatasetItem, Decoded> images = new org.lorastudio.train.Prefetcher<>(
                list, this::decode, org.lorastudio.train.Prefetcher.defaultThreads(), 8)) {
            for (int i = 0; i < list.size(); i++) {
                encodeOne(manager, list.get(i), images.next(), into, forValidation);
                events.accept(new TrainingEvent.Preparing(forValidation ? "caching validation latents"
                        : config.cacheLatents() ? "caching latents" : "reading images", i + 1, list.size()));
            }
        }
    }

    private void encodeOne(NDManager manager, DatasetItem it, Decoded d, List<Source> sources,
                           boolean forValidation) {
        int b = d.bucket();
        CropPlan plan = d.plan();
        float[] px = d.px();
        float[] pxFlip = d.pxFlip();
        if (forValidation) {
            sources.add(new Source(it, b, moments(manager, px, plan), null, null, null));
        } else if (config.cacheLatents()) {
            sources.add(new Source(it, b, moments(manager, px, plan), pxFlip == null ? null
                    : moments(manager, pxFlip, plan), null, null));
        } else {
            sources.add(new Source(it, b, null, null, px, pxFlip));
        }
    }

    /** VAE moments (mean ‖ logvar) of one image, computed without autograd. */
    @SuppressWarnings("try")
    private float[] moments(NDManager manager, float[] pixels, CropPlan plan) {
        try (NoGrad g = NoGrad.enter(); NDManager m = manager.newSubManager()) {
            NDArray x = m.create(pixels, new Shape(1, 3, plan.height(), plan.width())).toType(computeType, false);
            return sd.vae().encodeMoments(x).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    private void attachLora(NDManager manager) {
        if (config.trainsTextEncoder()) {
            teTargets = LoraTargets.resolve(sd.textEncoder(), LoraTargets.TEXT_ENCODER,
                    config.textEncoderTargetModules());
        }
        if (config.trainsUnet()) {
            unetTargets = LoraTargets.resolve(sd.unet(), LoraTargets.UNET, config.unetTargetModules());
        }
        Map<String, AdaptableLayer> all = new LinkedHashMap<>(teTargets); // kohya creates text-encoder modules first
        all.putAll(unetTargets);
        network = LoraNetwork.create(all, config.loraRank(), (float) config.effectiveLoraAlpha(), manager,
                streams.javaRandom(SeedStreams.LORA_INIT, 0));
        network.setDropout((float) config.loraDropout());
        network.setTrainable(true);
        network.setTraining(true);
        network.attach();
    }

    @Override
    public int itemsPerEpoch() {
        return items.size();
    }

    @Override
    public List<int[]> microBatches(int epoch) {
        int[] order = streams.permutation(items.size(), epoch);
        int[] bucketOf = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            bucketOf[i] = sources.get(items.get(i).source()).bucket();
        }
        List<int[]> out = new ArrayList<>();
        for (BatchPlan.Batch b : BatchPlan.of(order, bucketOf, config.batchSize()).batches()) {
            out.add(b.items());
        }
        return out;
    }

    @Override
    public NDArray loss(NDManager m, int[] batch, int epoch, long microIndex) {
        return itemLosses(m, batch, epoch, microIndex).mean();
    }

    @Override
    public ItemLosses itemLosses(NDManager m, int[] batch, int epoch, long microIndex) {
        streams.seedEngine(SeedStreams.NOISE, microIndex);
        Bucket bucket = buckets.get(sources.get(items.get(batch[0]).source()).bucket());
        int h = bucket.height() / 8;
        int w = bucket.width() / 8;
        NDArray moments = batchMoments(m, batch, epoch, h, w); // (B, 8, h, w)
        NDArray mean = moments.get(new NDIndex(":, 0:4"));
        NDArray std = moments.get(new NDIndex(":, 4:")).clip(-30f, 20f).mul(0.5f).exp();
        NDArray latents = mean.add(std.mul(m.randomNormal(mean.getShape()))).mul(sd.vae().scalingFactor());
        NDArray noise = Losses.applyNoiseOffset(m.randomNormal(latents.getShape()), config.noiseOffset());
        long[] t = new long[batch.length];
        SplittableRandom tr = streams.random(SeedStreams.TIMESTEPS, microIndex);
        for (int i = 0; i < t.length; i++) {
            t[i] = tr.nextInt(schedule.config().numTrainTimesteps());
        }
        NDArray noisy = schedule.addNoise(latents, noise, t);
        NDArray context = context(m, batch, epoch);
        NDArray tArray = Weights.owned(m.create(t));
        NDArray pred;
        if (config.gradientCheckpointing()) {
            pending = sd.unet().forwardCheckpointed(noisy.toType(computeType, false), tArray,
                    Functional.cast(context, computeType), !teTargets.isEmpty());
            pred = Functional.cast(pending.output(), DataType.FLOAT32); // the loss in fp32, graph kept
        } else {
            pred = Functional.cast(sd.unet().forward(noisy.toType(computeType, false), tArray,
                    Functional.cast(context, computeType)), DataType.FLOAT32);
        }
        boolean v = config.predictionType() == org.lorastudio.config.PredictionType.V_PREDICTION;
        NDArray target = v ? schedule.velocity(latents, noise, t) : noise;
        // each image's own MSE, off the graph (the mean below is what is back-propagated)
        float[] perItem = Losses.perSampleMse(pred.stopGradient(), target).toFloatArray();
        if (config.minSnrGamma().isPresent()) {
            double[] snr = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                snr[i] = schedule.snr((int) t[i]);
            }
            PredictionType type = v ? PredictionType.V_PREDICTION : PredictionType.EPSILON;
            float[] weights = Losses.minSnrWeights(snr, config.minSnrGamma().get(), type);
            for (int i = 0; i < perItem.length; i++) {
                perItem[i] *= weights[i];
            }
            return new ItemLosses(Losses.minSnrMse(pred, target, snr, config.minSnrGamma().get(), type), perItem);
        }
        return new ItemLosses(Losses.mse(pred, target), perItem);
    }

    // ---- validation loss and per-image names (issue 16) ---------------------------------------------------------

    /**
     * The noise seed of the validation loss: a constant, not the run seed, so that two runs on the same validation
     * image see the same noise and their losses compare.
     */
    private static final SeedStreams VALIDATION_NOISE = new SeedStreams(16);
    /** Timesteps per validation image: the midpoints of four equal slices of the schedule (125, 375, 625, 875). */
    private static final int VALIDATION_TIMESTEPS = 4;

    /** Moves the images validation_split holds out from {@code train} to {@code held}, or fills it from the folder. */
    private void splitValidation(List<DatasetItem> train, List<DatasetItem> held) throws IOException {
        if (config.validationDataDir().isPresent()) {
            Dataset v = DatasetScanner.scan(config.validationDataDir().get().resolved(), Optional.empty());
            if (v.hasErrors() || v.items().isEmpty()) {
                throw new UserException("validation_data_dir " + v.root() + (v.items().isEmpty() ? " has no images"
                        : " has errors") + "; run `lorastudio dataset check " + v.root() + "` and fix it");
            }
            held.addAll(v.items());
            validationSet = new org.lorastudio.run.ValidationSet(org.lorastudio.run.ValidationSet.FROM_FOLDER, 0,
                    v.root().toString(), v.items().stream().map(DatasetItem::name).toList());
            return;
        }
        int[] out = org.lorastudio.train.ValidationSplit.heldOut(train.size(), config.validationSplit(), streams);
        if (out.length == 0) {
            return;
        }
        boolean[] mask = org.lorastudio.train.ValidationSplit.mask(train.size(), out);
        List<DatasetItem> kept = new ArrayList<>();
        for (int i = 0; i < mask.length; i++) {
            (mask[i] ? held : kept).add(train.get(i));
        }
        train.clear();
        train.addAll(kept);
        validationSet = new org.lorastudio.run.ValidationSet(org.lorastudio.run.ValidationSet.FROM_SPLIT,
                config.validationSplit(), dataset.root().toString(), held.stream().map(DatasetItem::name).toList());
    }

    @Override
    public Optional<org.lorastudio.run.ValidationSet> validationSet() {
        return Optional.ofNullable(validationSet);
    }

    @Override
    public String itemName(int item) {
        return sources.get(items.get(item).source()).item().name();
    }

    @Override
    @SuppressWarnings("try")
    public double validationLoss(NDManager manager) {
        network.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            double sum = 0;
            for (Source s : validation) {
                try (NDManager m = manager.newSubManager()) {
                    sum += validationLoss(m, s);
                }
            }
            return sum / validation.size();
        } finally {
            network.setTraining(true);
        }
    }

    /**
     * One image's validation loss: the latent mean (no sampling), the plain caption, the fixed timesteps, noise
     * from the image's own constant stream, plain MSE against the configured target (no noise offset or min-SNR
     * weighting, so configs that differ in those still compare).
     */
    private double validationLoss(NDManager m, Source s) {
        Bucket bucket = buckets.get(s.bucket());
        int h = bucket.height() / 8;
        int w = bucket.width() / 8;
        int k = VALIDATION_TIMESTEPS;
        NDArray moments = Weights.owned(m.create(s.moments(), new Shape(1, 8, h, w)));
        NDArray latents = moments.get(new NDIndex(":, 0:4")).mul(sd.vae().scalingFactor())
                .repeat(0, k); // (1, 4, h, w) -> (k, 4, h, w)
        VALIDATION_NOISE.seedEngine("validation_noise:" + s.item().name(), 0);
        NDArray noise = m.randomNormal(latents.getShape());
        long[] t = new long[k];
        int total = schedule.config().numTrainTimesteps();
        for (int i = 0; i < k; i++) {
            t[i] = (long) (2 * i + 1) * total / (2L * k);
        }
        NDArray noisy = schedule.addNoise(latents, noise, t);
        NDArray context = sd.encodePrompt(m, s.item().captionOrEmpty(), config.clipSkip())
                .toType(DataType.FLOAT32, false).repeat(0, k); // (1, 77, D) -> (k, 77, D)
        NDArray pred = sd.unet().forward(noisy.toType(computeType, false), Weights.owned(m.create(t)),
                context.toType(computeType, false)).toType(DataType.FLOAT32, false);
        boolean v = config.predictionType() == org.lorastudio.config.PredictionType.V_PREDICTION;
        return Losses.mse(pred, v ? schedule.velocity(latents, noise, t) : noise).getFloat();
    }

    /** The VAE moments of the batch's images (cached, or encoded now), mirrored per the flip stream. */
    private NDArray batchMoments(NDManager m, int[] batch, int epoch, int h, int w) {
        List<NDArray> parts = new ArrayList<>();
        for (int idx : batch) {
            Source s = sources.get(items.get(idx).source());
            boolean flip = config.flipAug()
                    && streams.random(SeedStreams.FLIP, (long) epoch * items.size() + idx).nextBoolean();
            if (s.moments() != null) {
                parts.add(Weights.owned(m.create(flip ? s.flippedMoments() : s.moments(), new Shape(1, 8, h, w))));
            } else {
                NDArray px = m.create(flip ? s.flippedPixels() : s.pixels(), new Shape(1, 3, h * 8, w * 8));
                parts.add(sd.vae().encodeMoments(px.toType(computeType, false)).toType(DataType.FLOAT32, false));
            }
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    /** Text-encoder context of the batch's (augmented) captions; cached per caption while the encoder is frozen. */
    private NDArray context(NDManager m, int[] batch, int epoch) {
        List<NDArray> parts = new ArrayList<>();
        for (int idx : batch) {
            String caption = augment.apply(items.get(idx).caption(),
                    streams.random(SeedStreams.CAPTION, (long) epoch * items.size() + idx));
            float[] cached = teTargets.isEmpty() ? contextCache.get(caption) : null;
            if (cached != null) {
                parts.add(Weights.owned(m.create(cached, new Shape(1, 77, sd.textEncoder().config().hiddenSize()))));
                continue;
            }
            NDArray ctx = Functional.cast(sd.encodePrompt(m, caption, config.clipSkip()), DataType.FLOAT32);
            if (teTargets.isEmpty() && contextCache.size() < 10_000) {
                contextCache.put(caption, ctx.toFloatArray());
            }
            parts.add(ctx);
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    @Override
    public void afterBackward() {
        if (pending != null) {
            pending.backward();
            pending = null;
        }
    }

    @Override
    public LoraNetwork network() {
        return network;
    }

    @Override
    public Map<String, ParamGroup> parameterGroups() {
        Map<String, ParamGroup> groups = new LinkedHashMap<>();
        Map<String, NDArray> te = new LinkedHashMap<>();
        Map<String, NDArray> unet = new LinkedHashMap<>();
        network.namedArrays().forEach((k, a) -> (k.startsWith(LoraTargets.TEXT_ENCODER + "_") ? te : unet).put(k, a));
        if (!te.isEmpty()) {
            groups.put("text_encoder", new ParamGroup(config.effectiveTextEncoderLr(), te));
        }
        if (!unet.isEmpty()) {
            groups.put("unet", new ParamGroup(config.effectiveUnetLr(), unet));
        }
        return groups;
    }

    @Override
    public void saveAdapter(Path target, Map<String, String> metadata) throws IOException {
        DType precision = config.savePrecision() == org.lorastudio.config.SavePrecision.FP16 ? DType.F16 : DType.F32;
        if (config.saveFormat() == org.lorastudio.config.SaveFormat.DIFFUSERS) {
            org.lorastudio.lora.DiffusersLoraWriter.write(network, Map.of("unet", sd.unet(), "text_encoder",
                    sd.textEncoder()), target, precision, metadata);
        } else {
            KohyaLoraWriter.write(network, target, precision, metadata);
        }
    }

    @Override
    @SuppressWarnings("try")
    public List<Path> sample(NDManager manager, int step, Path samplesDir) throws IOException {
        List<Path> files = new ArrayList<>();
        network.setTraining(false);
        try (NoGrad g = NoGrad.enter()) {
            List<String> prompts = config.samplePrompts();
            for (int k = 0; k < prompts.size(); k++) {
                TextToImage.Request req = new TextToImage.Request(prompts.get(k), config.sampleNegativePrompt(),
                        config.sampleSeed(), config.sampleSteps(), config.sampleSampler(),
                        (float) config.sampleGuidance(), config.resolution(), config.resolution(), config.clipSkip());
                TextToImage.Result r = TextToImage.generate(sd, manager, req, null, (i, n) -> { }, () -> false);
                Path file = samplesDir.resolve(org.lorastudio.run.SampleIndex.fileName(step, k));
                AtomicFiles.write(file, out -> ImageIO.write(r.toImage(), "png", out));
                files.add(file);
            }
        } finally {
            network.setTraining(true);
        }
        return files;
    }

    @Override
    public org.lorastudio.run.DatasetFingerprint fingerprint() throws IOException {
        org.lorastudio.dataset.DatasetFingerprint f = org.lorastudio.dataset.DatasetFingerprint.of(dataset);
        return new org.lorastudio.run.DatasetFingerprint(f.sha256(), f.itemCount());
    }

    @Override
    public Map<String, String> adapterMetadata() {
        return KohyaMetadata.of(config, dataset, items.size(), buckets);
    }

    /** The scanned data set (after {@link #prepare}). */
    public Dataset dataset() {
        return dataset;
    }

    /** The loaded model (for tests and the studio's preview). */
    public StableDiffusion model() {
        return sd;
    }

    @Override
    public void close() {
        if (network != null) {
            network.detach();
        }
    }
}
