package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.nn.FullParameters;
import org.lorastudio.nn.Functional;
import org.lorastudio.train.Losses;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.TrainingTask;

/**
 * Pretraining phase 1: every parameter of the base model's VAE (diffusers {@code AutoencoderKL}) on the data set's
 * images, with the usual loss of the KL autoencoder — reconstruction MSE of a posterior sample (reparameterised:
 * z = μ + σ·ε) plus {@link #KL_WEIGHT} × the KL divergence to N(0, I), both as means per element. The perceptual
 * and adversarial terms of the LDM recipe are left out (flat-colour shapes need neither).
 *
 * <p>The saved "adapter" is the whole model folder with the trained VAE, whose {@code scaling_factor} is set to
 * 1 / std of the posterior means over (up to {@link #SCALE_IMAGES}) training images — how SD's 0.18215 was found —
 * so that phase 2 sees latents of unit variance.
 */
public final class VaePretrainingTask implements TrainingTask {
    /** Weight of the KL term against the per-pixel MSE (means per element; small, as in the LDM autoencoders). */
    static final float KL_WEIGHT = 1e-5f;
    /** Images encoded to measure the latent scale when saving. */
    static final int SCALE_IMAGES = 512;

    private final TrainingConfig config;
    private final SeedStreams streams;
    private StableDiffusion sd;
    private PretrainImages images;
    private FullParameters weights;
    private NDManager manager;

    public VaePretrainingTask(TrainingConfig config) {
        this.config = config;
        this.streams = new SeedStreams(config.seed());
    }

    @Override
    public void prepare(NDManager manager, Consumer<TrainingEvent> events) throws IOException {
        this.manager = manager;
        events.accept(new TrainingEvent.Preparing("loading base model", 0, 1));
        sd = StableDiffusion.load(config.baseModel().resolved(), Optional.empty(), manager, DataType.FLOAT32);
        events.accept(new TrainingEvent.Preparing("reading images", 0, 1));
        images = PretrainImages.read(config);
        events.accept(new TrainingEvent.Preparing("reading images", 1, 1));
        weights = FullParameters.of(Map.of("vae", sd.vae()));
        weights.setTrainable(true);
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
        NDArray x = images.batch(m, items); // (B, 3, H, W)
        NDArray moments = sd.vae().encodeMoments(x); // (B, 2·latent, h, w)
        long c = moments.getShape().get(1) / 2;
        NDArray mean = moments.get(new NDIndex(":, 0:" + c));
        NDArray logvar = moments.get(new NDIndex(":, " + c + ":")).clip(-30f, 20f);
        // Scalars in the graph go through Functional.mulScalar (libtorch-owned; decision 0001).
        NDArray z = mean.add(Functional.mulScalar(logvar, 0.5f).exp().mul(m.randomNormal(mean.getShape())));
        NDArray reconstruction = sd.vae().decode(z);
        // KL(N(μ, σ²) ‖ N(0, 1)) per element = ½(μ² + σ² − 1 − log σ²); the −½ is a constant and added last.
        NDArray kl = Functional.mulScalar(mean.square().add(logvar.exp()).sub(logvar).mean(), 0.5f).sub(0.5f);
        return Losses.mse(reconstruction, x).add(Functional.mulScalar(kl, KL_WEIGHT));
    }

    @Override
    public FullParameters network() {
        return weights;
    }

    @Override
    public Map<String, ParamGroup> parameterGroups() {
        Map<String, ParamGroup> groups = new LinkedHashMap<>();
        groups.put("vae", new ParamGroup(config.learningRate(), weights.namedArrays("vae")));
        return groups;
    }

    @Override
    public void saveAdapter(Path target, Map<String, String> metadata) throws IOException {
        DemoBaseModel.copy(config.baseModel().resolved(), target);
        DemoBaseModel.writeWeights(sd.vae(), target.resolve(DemoBaseModel.VAE_WEIGHTS));
        DemoBaseModel.setScalingFactor(target.resolve("vae/config.json"), 1.0 / latentStd());
    }

    /** The standard deviation of the posterior means of the first {@link #SCALE_IMAGES} images. */
    @SuppressWarnings("try")
    double latentStd() {
        int n = Math.min(SCALE_IMAGES, images.size());
        double sum = 0;
        double sumSq = 0;
        long count = 0;
        try (NoGrad g = NoGrad.enter(); NDManager m = manager.newSubManager()) {
            for (int from = 0; from < n; from += 32) {
                int[] items = new int[Math.min(32, n - from)];
                for (int i = 0; i < items.length; i++) {
                    items[i] = from + i;
                }
                try (NDManager b = m.newSubManager()) {
                    NDArray moments = sd.vae().encodeMoments(images.batch(b, items));
                    float[] mean = moments.get(new NDIndex(":, 0:" + moments.getShape().get(1) / 2)).toFloatArray();
                    for (float v : mean) {
                        sum += v;
                        sumSq += (double) v * v;
                    }
                    count += mean.length;
                }
            }
        }
        double mu = sum / count;
        return Math.sqrt(Math.max(sumSq / count - mu * mu, 1e-12));
    }

    @Override
    public String adapterExtension() {
        return "";
    }

    @Override
    public List<Path> sample(NDManager manager, int step, Path samplesDir) {
        return List.of();
    }

    @Override
    public org.lorastudio.run.DatasetFingerprint fingerprint() throws IOException {
        return images.fingerprint();
    }

    @Override
    public Map<String, String> adapterMetadata() {
        return Map.of("lorastudio_pretrain_phase", "vae");
    }

    @Override
    public void close() {
    }
}
