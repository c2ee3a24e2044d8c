package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.nn.FullParameters;
import org.lorastudio.nn.Weights;
import org.lorastudio.sample.NoiseSchedule;
import org.lorastudio.train.CaptionAugment;
import org.lorastudio.train.Losses;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;
import org.lorastudio.util.AtomicFiles;

/**
 * Pretraining phase 2: every parameter of the UNet and of the CLIP text encoder on the latents of the base model's
 * (phase-1) VAE, with the usual noise-prediction loss — latents = posterior sample × {@code scaling_factor},
 * timesteps uniform over the scheduler's {@code num_train_timesteps}, {@code add_noise} with its β schedule, MSE
 * between predicted and true ε (weighted by min-SNR-γ when {@code min_snr_gamma} is set). Captions are dropped to "" at {@code caption_dropout_rate} so that the model learns
 * the unconditional prediction that classifier-free guidance needs.
 *
 * <p>The text encoder is trained with the UNet (its own parameter group at {@code text_encoder_lr}): it is tiny
 * (2 layers of width 32), and a frozen random one gives the UNet nearly the same context for prompts that differ in
 * one word. The saved "adapter" is the whole model folder with the trained UNet and text encoder.
 */
public final class UnetPretrainingTask implements TrainingTask {
    private final TrainingConfig config;
    private final SeedStreams streams;
    private StableDiffusion sd;
    private PretrainImages images;
    private NoiseSchedule schedule;
    private CaptionAugment augment;
    private FullParameters weights;
    /** Cached VAE moments (mean ‖ logvar) per image, (2·latent, h, w) each. */
    private final List<float[]> moments = new ArrayList<>();
    private Shape momentShape;

    public UnetPretrainingTask(TrainingConfig config) {
        this.config = config;
        this.streams = new SeedStreams(config.seed());
    }

    @Override
    public void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException {
        events.accept(new TrainingEvent.Preparing("loading base model", 0, 1));
        sd = StableDiffusion.load(config.baseModel().resolved(), Optional.empty(), manager, DataType.FLOAT32);
        schedule = new NoiseSchedule(sd.scheduler());
        augment = new CaptionAugment(false, 0, config.captionDropoutRate(), 0);
        images = PretrainImages.read(config);
        encode(manager, events);
        weights = FullParameters.of(Map.of("unet", sd.unet(), "text_encoder", sd.textEncoder()));
        weights.setTrainable(true);
    }

    @SuppressWarnings("try")
    private void encode(NDManager manager, Consumer<TrainingEvent> events) {
        int n = images.size();
        try (NoGrad g = NoGrad.enter()) {
            for (int from = 0; from < n; from += 32) {
                int[] items = new int[Math.min(32, n - from)];
                for (int i = 0; i < items.length; i++) {
                    items[i] = from + i;
                }
                try (NDManager m = manager.newSubManager()) {
                    NDArray mom = sd.vae().encodeMoments(images.batch(m, items)); // (B, 2·latent, h, w)
                    momentShape = new Shape(1, mom.getShape().get(1), mom.getShape().get(2), mom.getShape().get(3));
                    for (int i = 0; i < items.length; i++) {
                        moments.add(mom.get(i).toFloatArray());
                    }
                }
                events.accept(new TrainingEvent.Preparing("caching latents", from + items.length, n));
            }
        }
    }

    @Override
    public List<int[]> microBatches(int epoch) {
        return PretrainImages.microBatches(streams, images.size(), config.batchSize(), epoch);
    }

    @Override
    public int itemsPerEpoch() {
        return images.size();
    }

    @Override
    public NDArray loss(NDManager m, int[] items, int epoch, long microIndex) {
        streams.seedEngine(SeedStreams.NOISE, microIndex);
        List<NDArray> parts = new ArrayList<>();
        for (int i : items) {
            parts.add(Weights.owned(m.create(moments.get(i), momentShape)));
        }
        NDArray mom = parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0); // (B, 8, h, w)
        long c = momentShape.get(1) / 2;
        NDArray mean = mom.get(new NDIndex(":, 0:" + c));
        NDArray std = mom.get(new NDIndex(":, " + c + ":")).clip(-30f, 20f).mul(0.5f).exp();
        NDArray latents = mean.add(std.mul(m.randomNormal(mean.getShape()))).mul(sd.vae().scalingFactor());
        NDArray noise = m.randomNormal(latents.getShape());
        long[] t = new long[items.length];
        SplittableRandom tr = streams.random(SeedStreams.TIMESTEPS, microIndex);
        for (int i = 0; i < t.length; i++) {
            t[i] = tr.nextInt(schedule.config().numTrainTimesteps());
        }
        NDArray noisy = schedule.addNoise(latents, noise, t);
        NDArray context = context(m, items, epoch);
        NDArray pred = sd.unet().forward(noisy, Weights.owned(m.create(t)), context);
        if (config.minSnrGamma().isPresent()) {
            double[] snr = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                snr[i] = schedule.snr((int) t[i]);
            }
            return Losses.minSnrMse(pred, noise, snr, config.minSnrGamma().get(),
                    org.lorastudio.train.PredictionType.EPSILON);
        }
        return Losses.mse(pred, noise);
    }

    /** The text encoder's context of the batch's captions (each dropped to "" at the dropout rate), one forward. */
    private NDArray context(NDManager m, int[] items, int epoch) {
        long[][] ids = new long[items.length][];
        for (int i = 0; i < items.length; i++) {
            String caption = augment.apply(images.caption(items[i]),
                    streams.random(SeedStreams.CAPTION, (long) epoch * images.size() + items[i]));
            ids[i] = sd.tokenizer().encode(caption); // padded to the model's 77 positions
        }
        NDArray idArray = m.create(ids); // (B, 77)
        return sd.textEncoder().forward(idArray, 1); // (B, 77, D)
    }

    @Override
    public FullParameters network() {
        return weights;
    }

    @Override
    public Map<String, ParamGroup> parameterGroups() {
        Map<String, ParamGroup> groups = new LinkedHashMap<>();
        groups.put("unet", new ParamGroup(config.effectiveUnetLr(), weights.namedArrays("unet")));
        groups.put("text_encoder", new ParamGroup(config.effectiveTextEncoderLr(),
                weights.namedArrays("text_encoder")));
        return groups;
    }

    @Override
    public void saveAdapter(Path target, Map<String, String> metadata) throws IOException {
        DemoBaseModel.copy(config.baseModel().resolved(), target);
        DemoBaseModel.writeWeights(sd.unet(), target.resolve(DemoBaseModel.UNET_WEIGHTS));
        DemoBaseModel.writeWeights(sd.textEncoder(), target.resolve(DemoBaseModel.TEXT_ENCODER_WEIGHTS));
    }

    @Override
    public String adapterExtension() {
        return "";
    }

    @Override
    @SuppressWarnings("try")
    public List<Path> sample(NDManager manager, int step, Path samplesDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (NoGrad g = NoGrad.enter()) {
            List<String> prompts = config.samplePrompts();
            for (int k = 0; k < prompts.size(); k++) {
                TextToImage.Request req = new TextToImage.Request(prompts.get(k), config.sampleNegativePrompt(),
                        config.sampleSeed(), config.sampleSteps(), config.sampleSampler(),
                        (float) config.sampleGuidance(), config.resolution(), config.resolution(), 1);
                TextToImage.Result r = TextToImage.generate(sd, manager, req, null, (i, n) -> { }, () -> false);
                Path file = samplesDir.resolve(org.lorastudio.run.SampleIndex.fileName(step, k));
                AtomicFiles.write(file, out -> ImageIO.write(r.toImage(), "png", out));
                files.add(file);
            }
        }
        return files;
    }

    @Override
    public org.lorastudio.run.DatasetFingerprint fingerprint() throws IOException {
        return images.fingerprint();
    }

    @Override
    public Map<String, String> adapterMetadata() {
        return Map.of("lorastudio_pretrain_phase", "unet");
    }

    @Override
    public void close() {
    }
}
