package org.lorastudio.ui.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.lorastudio.config.PromptTemplate;
import org.lorastudio.llm.PeftAdapter;
import org.lorastudio.llm.PromptTemplates;
import org.lorastudio.llm.TextGenerator;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * The Generate screen in text mode (SPEC §7, issue 7): a language-model folder, an optional PEFT adapter (the
 * adapters of the workspace's runs are offered, any adapter folder can be typed or chosen), a prompt and the
 * decoding settings of {@code generate-text}; the base and the adapted answer, streamed token by token from the
 * {@link GenerationEngine}'s thread, side by side.
 */
public final class TextGenerateViewModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * An adapter offered in the picker.
     *
     * @param label what the picker shows ({@code <run folder> / <adapter folder>})
     * @param folder the PEFT adapter folder
     */
    public record AdapterChoice(String label, Path folder) {
        @Override
        public String toString() {
            return label;
        }
    }

    private final GenerationEngine engine;
    private final Path runsDir;
    private final Executor background;
    private final Executor fx;
    private final StringProperty modelPath = new SimpleStringProperty("");
    private final StringProperty adapterPath = new SimpleStringProperty("");
    private final ObservableList<AdapterChoice> adapters = FXCollections.observableArrayList();
    private final StringProperty prompt = new SimpleStringProperty("");
    private final ObjectProperty<PromptTemplate> template = new SimpleObjectProperty<>(PromptTemplate.ALPACA);
    private final IntegerProperty maxNewTokens = new SimpleIntegerProperty(64);
    private final DoubleProperty temperature = new SimpleDoubleProperty(0.7);
    private final DoubleProperty topP = new SimpleDoubleProperty(0.9);
    private final IntegerProperty seed = new SimpleIntegerProperty(0);
    private final BooleanProperty greedy = new SimpleBooleanProperty(true);
    private final StringProperty baseAnswer = new SimpleStringProperty("");
    private final StringProperty adaptedAnswer = new SimpleStringProperty("");
    private final StringProperty baseStats = new SimpleStringProperty("");
    private final StringProperty adaptedStats = new SimpleStringProperty("");
    private final StringProperty adaptedTitle = new SimpleStringProperty("Adapted");
    private final GenerationRun run;

    public TextGenerateViewModel(GenerationEngine engine, Path defaultModel, Path runsDir, Executor background,
                                 Executor fx) {
        this.engine = engine;
        this.runsDir = runsDir;
        this.background = background;
        this.fx = fx;
        this.run = new GenerationRun(fx);
        modelPath.set(defaultModel == null ? "" : defaultModel.toString());
        adapterPath.addListener((o, a, b) -> followTrainingTemplate(b));
    }

    /**
     * An adapter inside a run folder was trained with that run's {@code prompt_template}; answers only make sense
     * in the same template, so the form switches to it (read in the background; the user can change it back).
     */
    private void followTrainingTemplate(String adapter) {
        if (adapter == null || adapter.isBlank()) {
            return;
        }
        CompletableFuture.supplyAsync(() -> trainingTemplate(adapter), background).thenAcceptAsync(t -> {
            if (t.isPresent() && adapter.equals(adapterPath.get())) {
                template.set(t.get());
            }
        }, fx);
    }

    /** The {@code prompt_template} of the run an adapter folder belongs to, if it is in one. */
    static Optional<PromptTemplate> trainingTemplate(String adapter) {
        try {
            Path parent = Path.of(adapter.strip()).toAbsolutePath().getParent();
            Path config = parent == null ? null : parent.resolve(org.lorastudio.run.RunFolder.CONFIG_FILE);
            if (config == null || !Files.isRegularFile(config)) {
                return Optional.empty();
            }
            var value = org.lorastudio.compare.FlatConfig.parse(Files.readString(config), config.toString())
                    .values().get("prompt_template");
            if (value == null) {
                return Optional.empty();
            }
            for (PromptTemplate t : PromptTemplate.values()) {
                if (t.yamlName().equalsIgnoreCase(value.text().strip())) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no readable run config: keep the form's choice
        }
    }

    public StringProperty modelPathProperty() {
        return modelPath;
    }

    /** The PEFT adapter folder; blank for the base answer only. */
    public StringProperty adapterPathProperty() {
        return adapterPath;
    }

    /** The adapters found in the workspace's runs (see {@link #refreshAdapters()}). */
    public ObservableList<AdapterChoice> adapters() {
        return adapters;
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    /** How the prompt is wrapped: alpaca (as in training with {@code prompt_template: alpaca}) or as is. */
    public ObjectProperty<PromptTemplate> templateProperty() {
        return template;
    }

    public IntegerProperty maxNewTokensProperty() {
        return maxNewTokens;
    }

    public DoubleProperty temperatureProperty() {
        return temperature;
    }

    public DoubleProperty topPProperty() {
        return topP;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    /** Greedy decoding (temperature 0): the same answer every time, temperature and top-p unused. */
    public BooleanProperty greedyProperty() {
        return greedy;
    }

    public BooleanProperty runningProperty() {
        return run.running;
    }

    /** 0..1 over both answers, or -1 (indeterminate) while the model loads. */
    public DoubleProperty progressProperty() {
        return run.progress;
    }

    public StringProperty progressTextProperty() {
        return run.progressText;
    }

    public StringProperty messageProperty() {
        return run.message;
    }

    public StringProperty baseAnswerProperty() {
        return baseAnswer;
    }

    public StringProperty adaptedAnswerProperty() {
        return adaptedAnswer;
    }

    /** "12 prompt + 30 new tokens in 0.4 s, stopped at EOS" under the base answer. */
    public StringProperty baseStatsProperty() {
        return baseStats;
    }

    public StringProperty adaptedStatsProperty() {
        return adaptedStats;
    }

    /** The adapted column's title: the adapter's name, or that there is none. */
    public StringProperty adaptedTitleProperty() {
        return adaptedTitle;
    }

    public void randomSeed() {
        seed.set(ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE));
    }

    /**
     * The job the form describes; every problem (missing model or adapter folder, empty prompt, settings out of
     * range) is collected into one {@link UserException}.
     */
    public GenerationEngine.TextJob buildJob() {
        List<String> problems = new ArrayList<>();
        Path model = GenerationRun.path(modelPath.get(), "language model folder", problems);
        if (model != null && !Files.isDirectory(model)) {
            problems.add("language model folder not found: " + model);
        } else if (model != null && !Files.isRegularFile(model.resolve("config.json"))) {
            problems.add(model + " has no config.json — pick a Hugging Face model folder (config.json,"
                    + " model.safetensors, tokenizer.json)");
        }
        Optional<Path> adapter = Optional.empty();
        String a = adapterPath.get();
        if (a != null && !a.isBlank()) {
            Path p = GenerationRun.path(a, "adapter", problems);
            if (p != null && !Files.isRegularFile(p.resolve(PeftAdapter.CONFIG))) {
                problems.add("adapter folder " + p + " has no " + PeftAdapter.CONFIG + " — pick a PEFT adapter"
                        + " folder (a language-model run saves one next to its run.json)");
            }
            adapter = Optional.ofNullable(p);
        }
        if (prompt.get() == null || prompt.get().isBlank()) {
            problems.add("the prompt is empty");
        }
        TextGenerator.Settings settings = null;
        try {
            settings = greedy.get() ? new TextGenerator.Settings(maxNewTokens.get(), 0, 1, seed.get())
                    : new TextGenerator.Settings(maxNewTokens.get(), temperature.get(), topP.get(), seed.get());
            if (!greedy.get() && temperature.get() == 0) {
                problems.add("temperature 0 is greedy decoding — tick Greedy, or set a temperature above 0");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new UserException(String.join("; ", problems));
        }
        return new GenerationEngine.TextJob(model, adapter, templated(template.get(), prompt.get()), settings);
    }

    /** The text fed to the model, as {@code generate-text --template} builds it. */
    static String templated(PromptTemplate template, String prompt) {
        return template == PromptTemplate.PLAIN ? prompt : PromptTemplates.prompt(PromptTemplate.ALPACA, prompt);
    }

    /** Starts generating; the future completes on {@code fx} after the answers are shown. */
    public CompletableFuture<GenerationEngine.TextOutcome> generate() {
        return run.start(this::buildJob, this::submit, GenerationEngine.TextOutcome::cancelled, this::show);
    }

    /** Clears the answers of the last job and hands this one to the engine. */
    private CompletableFuture<GenerationEngine.TextOutcome> submit(GenerationEngine.TextJob job) {
        int answers = answers(job);
        baseAnswer.set("");
        adaptedAnswer.set("");
        baseStats.set("");
        adaptedStats.set(job.adapter().isPresent() ? "" : "Choose an adapter to see the adapted answer here.");
        adaptedTitle.set(job.adapter().map(p -> "Adapted · " + p.getFileName()).orElse("Adapted (no adapter)"));
        return engine.submitText(job, (which, text, tokens, max) -> onProgress(which, text, tokens, max, answers),
                run::cancelRequested);
    }

    /** Shows the answers of a finished job and returns the progress line for them. */
    private String show(GenerationEngine.TextJob job, GenerationEngine.TextOutcome outcome) {
        int answers = answers(job);
        baseAnswer.set(outcome.base().text());
        baseStats.set(stats(outcome.base()));
        outcome.adapted().ifPresent(t -> {
            adaptedAnswer.set(t.text());
            adaptedStats.set(stats(t));
        });
        return String.format(Locale.ROOT, "%d answer%s in %.1f s", answers, answers == 1 ? "" : "s",
                outcome.seconds());
    }

    /** How many answers a job gives: the base one, and the adapted one when there is an adapter. */
    private static int answers(GenerationEngine.TextJob job) {
        return job.adapter().isPresent() ? 2 : 1;
    }

    static String stats(GenerationEngine.TextAnswer a) {
        return String.format(Locale.ROOT, "%d prompt + %d new tokens in %.1f s, %s", a.promptTokens(), a.newTokens(),
                a.seconds(), a.stoppedAtEos() ? "stopped at EOS" : "no EOS");
    }

    /** On the engine thread; {@link GenerationRun#post} keeps only the newest update. */
    private void onProgress(GenerationEngine.Answer which, String text, int tokens, int max, int answers) {
        run.post(() -> {
            if (which == null) {
                run.progress.set(-1);
                run.progressText.set("Loading model…");
                return;
            }
            boolean base = which == GenerationEngine.Answer.BASE;
            (base ? baseAnswer : adaptedAnswer).set(text);
            run.progress.set(((base ? 0 : 1) * (double) max + tokens) / ((double) answers * max));
            run.progressText.set(String.format(Locale.ROOT, "%s answer: %d/%d tokens", base ? "Base" : "Adapted",
                    tokens, max));
        });
    }

    /** Asks the running job to stop after the current token (the answers so far are kept). */
    public void cancel() {
        run.cancel();
    }

    /** Rereads the adapters of the workspace's runs in the background; the picker keeps a typed folder. */
    public CompletableFuture<List<AdapterChoice>> refreshAdapters() {
        return CompletableFuture.supplyAsync(() -> findAdapters(runsDir), background)
                .whenCompleteAsync((found, error) -> {
                    if (error == null) {
                        adapters.setAll(found);
                    }
                }, fx);
    }

    /**
     * The PEFT adapter folders ({@code adapter_config.json} inside) one level below each run folder, newest run
     * first; inside a run the final adapter before the {@code -stepN} checkpoints, later steps first.
     */
    public static List<AdapterChoice> findAdapters(Path runsDir) {
        List<AdapterChoice> out = new ArrayList<>();
        if (runsDir == null || !Files.isDirectory(runsDir)) {
            return out;
        }
        try (Stream<Path> runs = Files.list(runsDir)) {
            for (Path run : runs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                try (Stream<Path> sub = Files.list(run)) {
                    sub.filter(d -> Files.isRegularFile(d.resolve(PeftAdapter.CONFIG)))
                            .sorted(Comparator.comparingLong(TextGenerateViewModel::stepOf).reversed()
                                    .thenComparing(Comparator.naturalOrder()))
                            .forEach(d -> out.add(new AdapterChoice(run.getFileName() + " / " + d.getFileName(),
                                    d)));
                } catch (IOException e) {
                    // an unreadable run folder offers no adapters; the Runs screen reports it
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The step of a {@code name-stepN} checkpoint; the final adapter (no step) sorts first. */
    static long stepOf(Path adapter) {
        String n = adapter.getFileName().toString();
        int i = n.lastIndexOf("-step");
        if (i >= 0) {
            try {
                return Long.parseLong(n.substring(i + 5));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Whether {@code path} is a Hugging Face language-model folder ({@code config.json} naming a
     * {@code model_type} or a {@code *ForCausalLM} architecture) rather than a diffusion model.
     */
    public static boolean isLanguageModel(Path path) {
        if (path == null || !Files.isDirectory(path) || Files.exists(path.resolve("model_index.json"))) {
            return false;
        }
        Path config = path.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(TextFiles.readUtf8(config));
            if (n.has("_class_name")) {
                return false; // a diffusers component (unet/, vae/)
            }
            for (JsonNode a : n.path("architectures")) {
                if (a.asText().endsWith("ForCausalLM")) {
                    return true;
                }
            }
            return n.path("model_type").isTextual();
        } catch (IOException e) {
            return false;
        }
    }

    /** {@link #isLanguageModel(Path)} for a typed path; false for blank or malformed text. */
    public static boolean isLanguageModel(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        try {
            return isLanguageModel(Path.of(text.strip()));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
