package org.lorastudio.ui.generate;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

import javax.imageio.ImageIO;

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
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import org.lorastudio.config.Sampler;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * The Generate screen's form, the job it builds, and the results. Generation itself runs on the
 * {@link GenerationEngine}'s own thread; progress comes back coalesced (at most one pending update on the FX
 * thread), and images come back as {@link BufferedImage}s that are turned into FX images here.
 */
public final class GenerateViewModel {
    /** The default sweep (SPEC §7). */
    public static final String DEFAULT_SWEEP = "0, 0.25, 0.5, 0.75, 1";

    /** One LoRA row of the form. */
    public static final class LoraRow {
        private final StringProperty file = new SimpleStringProperty("");
        private final DoubleProperty strength = new SimpleDoubleProperty(1.0);

        public LoraRow(String file, double strength) {
            this.file.set(file);
            this.strength.set(strength);
        }

        public StringProperty fileProperty() {
            return file;
        }

        public DoubleProperty strengthProperty() {
            return strength;
        }
    }

    /**
     * One image on screen.
     *
     * @param label what it shows (strength in a sweep)
     * @param image for the view
     * @param pixels for saving
     * @param seed the seed used
     */
    public record ResultImage(String label, Image image, BufferedImage pixels, int seed) {
    }

    private final GenerationEngine engine;
    private final Executor background;
    private final Executor fx;
    private final StringProperty modelPath = new SimpleStringProperty();
    private final StringProperty prompt = new SimpleStringProperty("");
    private final StringProperty negativePrompt = new SimpleStringProperty("");
    private final IntegerProperty seed = new SimpleIntegerProperty(42);
    private final ObjectProperty<Sampler> sampler = new SimpleObjectProperty<>(Sampler.DDIM);
    private final IntegerProperty steps = new SimpleIntegerProperty(20);
    private final DoubleProperty guidance = new SimpleDoubleProperty(7.5);
    private final IntegerProperty width = new SimpleIntegerProperty(512);
    private final IntegerProperty height = new SimpleIntegerProperty(512);
    private final ObservableList<LoraRow> loras = FXCollections.observableArrayList();
    private final BooleanProperty sweep = new SimpleBooleanProperty();
    private final StringProperty sweepStrengths = new SimpleStringProperty(DEFAULT_SWEEP);
    private final ObservableList<ResultImage> results = FXCollections.observableArrayList();
    private final GenerationRun run;

    public GenerateViewModel(GenerationEngine engine, Path defaultModel, Executor background, Executor fx) {
        this.engine = engine;
        this.background = background;
        this.fx = fx;
        this.run = new GenerationRun(fx);
        modelPath.addListener((obs, a, b) -> adoptModelSize(b));
        modelPath.set(defaultModel == null ? "" : defaultModel.toString());
    }

    /**
     * Sets width and height to the size the model draws best (64 for the demo model, 512 for SD 1.5), read in the
     * background; a model whose size cannot be told leaves them as they are.
     */
    private void adoptModelSize(String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        Path model;
        try {
            model = Path.of(text.strip());
        } catch (InvalidPathException e) {
            return; // buildJob reports it
        }
        CompletableFuture.supplyAsync(() -> StableDiffusion.defaultImageSize(model), background)
                .thenAcceptAsync(size -> {
                    if (size.isPresent() && text.equals(modelPath.get())) { // not overtaken by a newer choice
                        width.set(size.getAsInt());
                        height.set(size.getAsInt());
                    }
                }, fx);
    }

    public StringProperty modelPathProperty() {
        return modelPath;
    }

    public StringProperty promptProperty() {
        return prompt;
    }

    public StringProperty negativePromptProperty() {
        return negativePrompt;
    }

    public IntegerProperty seedProperty() {
        return seed;
    }

    public ObjectProperty<Sampler> samplerProperty() {
        return sampler;
    }

    public IntegerProperty stepsProperty() {
        return steps;
    }

    public DoubleProperty guidanceProperty() {
        return guidance;
    }

    public IntegerProperty widthProperty() {
        return width;
    }

    public IntegerProperty heightProperty() {
        return height;
    }

    public ObservableList<LoraRow> loras() {
        return loras;
    }

    /** Sweep the first LoRA's strength over {@link #sweepStrengthsProperty()}, same seed. */
    public BooleanProperty sweepProperty() {
        return sweep;
    }

    public StringProperty sweepStrengthsProperty() {
        return sweepStrengths;
    }

    public BooleanProperty runningProperty() {
        return run.running;
    }

    /** 0..1, or -1 (indeterminate) while the model loads. */
    public DoubleProperty progressProperty() {
        return run.progress;
    }

    public StringProperty progressTextProperty() {
        return run.progressText;
    }

    public StringProperty messageProperty() {
        return run.message;
    }

    public ObservableList<ResultImage> results() {
        return results;
    }

    public LoraRow addLora(String file, double strength) {
        LoraRow r = new LoraRow(file, strength);
        loras.add(r);
        return r;
    }

    public void randomSeed() {
        seed.set(ThreadLocalRandom.current().nextInt(0, Integer.MAX_VALUE));
    }

    /**
     * The job the form describes. Every problem is collected into one {@link UserException}: missing model,
     * missing LoRA files, sizes that are not multiples of 8, a sweep without a LoRA or with bad numbers.
     */
    public GenerationEngine.Job buildJob() {
        List<String> problems = new ArrayList<>();
        Path model = GenerationRun.path(modelPath.get(), "base model", problems);
        if (model != null && !Files.exists(model)) {
            problems.add("base model not found: " + model);
        }
        List<Path> files = new ArrayList<>();
        List<Float> base = new ArrayList<>();
        for (int i = 0; i < loras.size(); i++) {
            LoraRow r = loras.get(i);
            if (r.fileProperty().get() == null || r.fileProperty().get().isBlank()) {
                continue; // an empty row is ignored, not an error
            }
            Path p = GenerationRun.path(r.fileProperty().get(), "LoRA " + (i + 1), problems);
            if (p != null && !Files.isRegularFile(p)) {
                problems.add("LoRA " + (i + 1) + " not found: " + p);
            }
            files.add(p);
            base.add((float) r.strengthProperty().get());
        }
        List<List<Float>> sets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (sweep.get()) {
            if (files.isEmpty()) {
                problems.add("a strength sweep needs a LoRA");
            }
            for (Float s : parseStrengths(sweepStrengths.get(), problems)) {
                List<Float> set = new ArrayList<>(base);
                if (!set.isEmpty()) {
                    set.set(0, s);
                }
                sets.add(set);
                labels.add("strength " + trim(s));
            }
        } else {
            sets.add(base);
            labels.add(base.isEmpty() ? "base model" : "strength " + String.join(" / ",
                    base.stream().map(GenerateViewModel::trim).toList()));
        }
        if (prompt.get() == null || prompt.get().isBlank()) {
            problems.add("the prompt is empty");
        }
        TextToImage.Request request = null;
        try {
            request = new TextToImage.Request(prompt.get(), negativePrompt.get(), seed.get(), steps.get(),
                    sampler.get(), (float) guidance.get(), width.get(), height.get(), 1);
        } catch (UserException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new UserException(String.join("; ", problems));
        }
        return new GenerationEngine.Job(model, files, sets, request, labels);
    }

    static List<Float> parseStrengths(String text, List<String> problems) {
        List<Float> out = new ArrayList<>();
        for (String part : (text == null ? "" : text).split("[,;\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                float v = Float.parseFloat(part);
                if (!Float.isFinite(v) || Math.abs(v) > 10) {
                    problems.add("sweep strength " + part + " is out of range (-10..10)");
                } else {
                    out.add(v);
                }
            } catch (NumberFormatException e) {
                problems.add("sweep strength '" + part + "' is not a number");
            }
        }
        if (out.isEmpty() && problems.isEmpty()) {
            problems.add("the sweep has no strengths (e.g. " + DEFAULT_SWEEP + ")");
        }
        return out;
    }

    private static String trim(float v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** Starts generating; the future completes on {@code fx} after the results are shown. */
    public CompletableFuture<GenerationEngine.Outcome> generate() {
        return run.start(this::buildJob, job -> engine.submit(job, this::onProgress, run::cancelRequested),
                GenerationEngine.Outcome::cancelled, (job, outcome) -> show(outcome));
    }

    /** Shows the images of a finished job and returns the progress line for them. */
    private String show(GenerationEngine.Outcome outcome) {
        List<ResultImage> shown = new ArrayList<>();
        for (GenerationEngine.Generated g : outcome.images()) {
            shown.add(new ResultImage(g.label(), SwingFXUtils.toFXImage(g.image(), null), g.image(), g.seed()));
        }
        results.setAll(shown);
        return String.format(Locale.ROOT, "%d image%s in %.1f s", shown.size(), shown.size() == 1 ? "" : "s",
                outcome.seconds());
    }

    /** Called on the engine thread; {@link GenerationRun#post} keeps only the newest update. */
    private void onProgress(String phase, int image, int images, int step, int steps) {
        run.post(() -> {
            if (image == 0) {
                run.progress.set(-1);
                run.progressText.set(phase + "…");
            } else {
                run.progress.set(((image - 1) * (double) steps + step) / ((double) images * steps));
                run.progressText.set(images > 1
                        ? String.format(Locale.ROOT, "%s image %d/%d, step %d/%d", phase, image, images, step, steps)
                        : String.format(Locale.ROOT, "%s step %d/%d", phase, step, steps));
            }
        });
    }

    /** Asks the running job to stop after the current step. */
    public void cancel() {
        run.cancel();
    }

    /** Writes an image as PNG, atomically, in the background. */
    public CompletableFuture<Path> save(ResultImage image, Path target) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                AtomicFiles.write(target, out -> {
                    if (!ImageIO.write(image.pixels(), "png", out)) {
                        throw new java.io.IOException("no PNG writer available");
                    }
                });
                return target;
            } catch (java.io.IOException e) {
                throw new UserException("cannot save " + target + ": " + e.getMessage(), e);
            }
        }, background).whenCompleteAsync((p, e) -> run.message.set(e == null ? "Saved " + p
                : (e.getCause() != null ? e.getCause() : e).getMessage()), fx);
    }
}
