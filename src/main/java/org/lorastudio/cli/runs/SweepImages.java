package org.lorastudio.cli.runs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.cli.SdLoras;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.report.StrengthSweep;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Draws a run's strength sweep for {@code runs report --sweep}: its first sample prompts (at most
 * {@link StrengthSweep#MAX_PROMPTS}) with its final LoRA at each strength, on the run's base model, sample seed,
 * steps and guidance, at the training resolution — the images {@link StrengthSweep} puts into the report.
 */
final class SweepImages {
    private SweepImages() {
    }

    /** Writes {@code <run>/sweep/}; empty when the run has nothing to sweep (language model, no LoRA, no prompt). */
    static Optional<Path> draw(RunFolder run, List<Float> strengths, PrintWriter out) throws IOException {
        TrainingConfig config = TrainingConfig.fromYaml(run.dir().resolve(RunFolder.CONFIG_FILE));
        if (config.modelType() != ModelType.SD15) {
            out.println(run.id() + ": a language-model run; no image sweep");
            return Optional.empty();
        }
        Path lora = run.dir().resolve(config.semanticName() + ".safetensors");
        if (!Files.isRegularFile(lora)) {
            out.println(run.id() + ": no final LoRA (" + lora.getFileName() + "); no sweep");
            return Optional.empty();
        }
        List<String> prompts = config.samplePrompts().stream().limit(StrengthSweep.MAX_PROMPTS).toList();
        if (prompts.isEmpty()) {
            out.println(run.id() + ": no sample_prompts in its config; no sweep");
            return Optional.empty();
        }
        Path dir = run.dir().resolve(StrengthSweep.DIR);
        Files.createDirectories(dir);
        int size = config.resolution();
        try (NDManager manager = NDManager.newBaseManager()) {
            Path base = config.baseModel().resolved();
            if (!Files.exists(base)) {
                throw new UserException("run " + run.id() + ": its base model " + base + " is not there any more;"
                        + " the sweep needs it (put the model back or leave out --sweep)");
            }
            StableDiffusion sd = StableDiffusion.load(base, Optional.empty(), manager, DataType.FLOAT32);
            LoraNetwork net = SdLoras.attach(sd, manager, lora);
            for (int p = 0; p < prompts.size(); p++) {
                for (float s : strengths) {
                    net.setMultiplier(s);
                    java.awt.image.BufferedImage img = TextToImage.generate(sd, manager, new TextToImage.Request(
                            prompts.get(p), config.sampleNegativePrompt(), config.sampleSeed(), config.sampleSteps(),
                            config.sampleSampler(), (float) config.sampleGuidance(), size, size, config.clipSkip()), null,
                            (step, total) -> { }, () -> false).toImage();
                    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
                    ImageIO.write(img, "png", png);
                    AtomicFiles.writeBytes(dir.resolve(StrengthSweep.fileName(p, s)), png.toByteArray());
                }
            }
        }
        AtomicFiles.writeString(dir.resolve(StrengthSweep.PROMPTS), String.join("\n", prompts) + "\n");
        out.printf(Locale.ROOT, "%s: sweep of %d prompt(s) at %d strengths in %s%n", run.id(), prompts.size(),
                strengths.size(), dir);
        return Optional.of(dir);
    }
}
