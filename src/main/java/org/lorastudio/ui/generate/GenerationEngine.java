package org.lorastudio.ui.generate;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.lora.LoraFile;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.nn.AdaptableLayer;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs generation on one dedicated thread that owns all native memory (STYLE 7): the {@link NDManager}, the
 * loaded model (kept between jobs and reloaded when the model path or its modification time changes) and the LoRA
 * side-cars (one sub-manager per job, detached and freed when the job ends). What leaves this class is plain
 * Java: {@link BufferedImage}s, numbers and strings.
 *
 * <p>Language models (text mode) run on the same thread through the same core code as {@code generate-text}:
 * the base answer, then the PEFT adapter attached and the adapted answer, with the same settings and seed. Only
 * one model is kept loaded: an image job frees a loaded language model and the other way round.
 */
public final class GenerationEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationEngine.class);

    /**
     * A LoRA and its strength.
     *
     * @param file the {@code .safetensors} file (kohya, diffusers or PEFT layout)
     * @param strength the multiplier (1 = as trained)
     */
    public record LoraChoice(Path file, float strength) {
    }

    /**
     * What to generate: one image per entry of {@code strengthSets}, each with the LoRAs at those strengths
     * (one strength per LoRA), all from the same request (so the same seed).
     */
    public record Job(Path model, List<Path> loras, List<List<Float>> strengthSets, TextToImage.Request request,
                      List<String> labels) {
        public Job {
            loras = List.copyOf(loras);
            strengthSets = strengthSets.stream().map(List::copyOf).toList();
            labels = List.copyOf(labels);
            if (strengthSets.isEmpty() || labels.size() != strengthSets.size()) {
                throw new IllegalArgumentException("a job needs one label per image");
            }
            for (List<Float> s : strengthSets) {
                if (s.size() != loras.size()) {
                    throw new IllegalArgumentException(s.size() + " strengths for " + loras.size() + " LoRAs");
                }
            }
        }

        public int images() {
            return strengthSets.size();
        }
    }

    /**
     * One finished image.
     *
     * @param label what distinguishes it in a sweep ({@code strength 0.5})
     * @param image the pixels
     * @param strengths the LoRA strengths used
     * @param seed the seed
     */
    public record Generated(String label, BufferedImage image, List<Float> strengths, int seed) {
    }

    /**
     * How a job ended.
     *
     * @param images the images finished (all of them unless cancelled)
     * @param cancelled whether the user stopped it
     * @param seconds wall time, model loading included
     */
    public record Outcome(List<Generated> images, boolean cancelled, double seconds) {
    }

    /** Progress, called on the engine thread: image {@code image} of {@code images}, step of steps. */
    @FunctionalInterface
    public interface Progress {
        void update(String phase, int image, int images, int step, int steps);
    }

    /**
     * A text job: the base answer and, with an adapter, the adapted one.
     *
     * @param model   a Hugging Face model folder (config.json, safetensors, tokenizer.json)
     * @param adapter a PEFT adapter folder, or empty for the base answer only
     * @param prompt  the text fed to the model, already wrapped in the prompt template
     */
    public record TextJob(Path model, Optional<Path> adapter, String prompt, TextGenerator.Settings settings) {
    }

    /** Which answer a text progress update or result is about. */
    public enum Answer { BASE, ADAPTED }

    /**
     * One finished (or cancelled) answer.
     *
     * @param text         the decoded new tokens
     * @param newTokens    how many tokens were generated (a stop token included)
     * @param stoppedAtEos whether the model ended the answer itself
     */
    public record TextAnswer(String text, int promptTokens, int newTokens, boolean stoppedAtEos, double seconds) {
        static TextAnswer of(TextGenerator.Result r) {
            return new TextAnswer(r.text(), r.promptTokens(), r.newTokens().length, r.stoppedAtEos(), r.nanos() / 1e9);
        }
    }

    /**
     * How a text job ended.
     *
     * @param base      the base model's answer (partial when cancelled during it)
     * @param adapted   the adapted answer; empty without an adapter or when cancelled before it started
     * @param cancelled whether the user stopped it
     * @param seconds   wall time, loading included
     */
    public record TextOutcome(TextAnswer base, Optional<TextAnswer> adapted, boolean cancelled, double seconds) {
    }

    /**
     * Text progress, on the engine thread: {@code answer} is null while the model loads; otherwise the answer so
     * far after {@code tokens} of at most {@code maxTokens} new tokens.
     */
    @FunctionalInterface
    public interface TextProgress {
        void update(Answer answer, String textSoFar, int tokens, int maxTokens);
    }

    private final LanguageModelSlot languageModel = new LanguageModelSlot();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "generate-native");
        t.setDaemon(true);
        return t;
    });
    private NDManager manager;
    private StableDiffusion model;
    private Path modelPath;
    private FileTime modelTime;

    /** Runs {@code job} on the engine thread; the future completes there (hop to the FX thread yourself). */
    public CompletableFuture<Outcome> submit(Job job, Progress progress, BooleanSupplier cancel) {
        return CompletableFuture.supplyAsync(() -> run(job, progress, cancel), thread);
    }

    /** Runs a text {@code job} on the engine thread; the future completes there. */
    public CompletableFuture<TextOutcome> submitText(TextJob job, TextProgress progress, BooleanSupplier cancel) {
        return CompletableFuture.supplyAsync(() -> runText(job, progress, cancel), thread);
    }

    /** The model path currently loaded, if any (for tests and the status line). */
    public CompletableFuture<Optional<Path>> loadedModel() {
        return CompletableFuture.supplyAsync(() -> Optional.ofNullable(modelPath != null ? modelPath
                : languageModel.path()), thread);
    }

    private Outcome run(Job job, Progress progress, BooleanSupplier cancel) {
        long t0 = System.nanoTime();
        progress.update("Loading model", 0, job.images(), 0, job.request().steps());
        StableDiffusion sd = ensureModel(job.model());
        List<LoraFile> files = new ArrayList<>();
        for (Path p : job.loras()) {
            try {
                files.add(LoraFile.read(p));
            } catch (IOException e) {
                throw new UncheckedIOException(new IOException("cannot read LoRA " + p + ": " + e.getMessage(), e));
            }
        }
        List<Generated> out = new ArrayList<>();
        boolean cancelled = false;
        try (NDManager loraScope = manager.newSubManager()) {
            Map<String, AdaptableLayer> layers = new LinkedHashMap<>();
            layers.putAll(LoraTargets.byKohyaName(sd.unet(), LoraTargets.UNET));
            layers.putAll(LoraTargets.byKohyaName(sd.textEncoder(), LoraTargets.TEXT_ENCODER));
            List<LoraNetwork> nets = new ArrayList<>();
            try {
                for (LoraFile f : files) {
                    LoraNetwork net = LoraNetwork.fromFile(f, layers, loraScope);
                    net.attach();
                    nets.add(net);
                }
                for (int i = 0; i < job.images() && !cancelled; i++) {
                    if (cancel.getAsBoolean()) {
                        cancelled = true;
                        break;
                    }
                    List<Float> strengths = job.strengthSets().get(i);
                    for (int k = 0; k < nets.size(); k++) {
                        nets.get(k).setMultiplier(strengths.get(k));
                    }
                    int image = i + 1;
                    TextToImage.Result r = TextToImage.generate(sd, manager, job.request(), null,
                            (step, total) -> progress.update("Generating", image, job.images(), step, total),
                            cancel);
                    if (r.cancelled()) {
                        cancelled = true;
                    } else {
                        out.add(new Generated(job.labels().get(i), r.toImage(), strengths, job.request().seed()));
                    }
                }
            } finally {
                nets.forEach(LoraNetwork::detach);
            }
        }
        return new Outcome(out, cancelled, (System.nanoTime() - t0) / 1e9);
    }

    private TextOutcome runText(TextJob job, TextProgress progress, BooleanSupplier cancel) {
        long t0 = System.nanoTime();
        progress.update(null, "", 0, job.settings().maxNewTokens());
        closeModel(); // one model at a time: a diffusion model is not kept next to a language model
        LlamaForCausalLM lm = languageModel.ensure(job.model());
        TextGenerator generator = new TextGenerator(lm, languageModel.tokenizer());
        int max = job.settings().maxNewTokens();
        try (NDManager adapterScope = languageModel.manager().newSubManager()) {
            // read before the base answer, so an adapter that does not fit fails at once
            Optional<PeftAdapter.Loaded> loaded = job.adapter().map(a -> PeftAdapter.read(a, lm, adapterScope));
            TextAnswer base = answer(generator, job, Answer.BASE, progress, cancel);
            Optional<TextAnswer> adapted = Optional.empty();
            if (loaded.isPresent() && !cancel.getAsBoolean()) {
                loaded.get().network().attach();
                try {
                    progress.update(Answer.ADAPTED, "", 0, max);
                    adapted = Optional.of(answer(generator, job, Answer.ADAPTED, progress, cancel));
                } finally {
                    loaded.get().network().detach();
                }
            }
            return new TextOutcome(base, adapted, cancel.getAsBoolean(), (System.nanoTime() - t0) / 1e9);
        }
    }

    private TextAnswer answer(TextGenerator generator, TextJob job, Answer which, TextProgress progress,
                              BooleanSupplier cancel) {
        int max = job.settings().maxNewTokens();
        TextGenerator.Result r = generator.generate(job.prompt(), job.settings(), languageModel.manager(), ids -> {
            progress.update(which, languageModel.tokenizer().decode(ids), ids.length, max);
            return !cancel.getAsBoolean();
        });
        return TextAnswer.of(r);
    }

    /** The cached model, or a fresh load when the path or the file's time changed (the old one is freed). */
    private StableDiffusion ensureModel(Path path) {
        Path p = path.toAbsolutePath().normalize();
        FileTime time = modifiedTime(p);
        if (model != null && p.equals(modelPath) && time.equals(modelTime)) {
            return model;
        }
        closeModel();
        languageModel.close(); // one model at a time
        NDManager m = NDManager.newBaseManager();
        try {
            model = StableDiffusion.load(p, Optional.empty(), m, DataType.FLOAT32);
            manager = m;
            modelPath = p;
            modelTime = time;
            LOG.info("generate: loaded {}", p);
            return model;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static FileTime modifiedTime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UserException("base model not found: " + p + " — pick a diffusers folder or a .safetensors"
                    + " file");
        }
    }

    private void closeModel() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        model = null;
        modelPath = null;
        modelTime = null;
    }

    /** Frees the model on its own thread and stops the thread. */
    @Override
    public void close() {
        thread.execute(() -> {
            closeModel();
            languageModel.close();
        });
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
