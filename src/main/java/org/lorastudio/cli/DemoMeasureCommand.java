package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import java.awt.image.BufferedImage;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.vae.AutoencoderKL;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.CropPlan;
import org.lorastudio.train.sd.ImagePrep;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.config.Sampler;
import org.lorastudio.demo.DemoDatasetGenerator.Fill;
import org.lorastudio.demo.DemoMeasurement;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo measure}: how well a model draws the demo prompts, and how much a style LoRA changes them, read from
 * the pixels ({@link org.lorastudio.demo.SceneMeasure}). Prints the rates next to the demo's bars; it measures, it
 * does not judge, so it exits 0 whatever the numbers.
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = "Generate the demo prompts (\"a red circle on a blue background\", every colour pair and shape)"
                + " and print how often the background colour, the object colour and the shape come out right;"
                + " with --lora also whether the zkx style makes the objects hollower.")
final class DemoMeasureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "diffusers folder (e.g. models/demo)")
    Path model;

    @Option(names = "--lora", paramLabel = "FILE", description = "a style LoRA trained on the zkx style set")
    Path lora;

    @Option(names = "--strengths", defaultValue = "0,1", split = ",", paramLabel = "S,S",
            description = "LoRA strengths (default: ${DEFAULT-VALUE}); the lowest and highest are compared")
    List<Float> strengths = new ArrayList<>();

    @Option(names = "--prompts", defaultValue = "32", paramLabel = "N",
            description = "how many prompts (default: ${DEFAULT-VALUE}; 224 covers every combination once)")
    int prompts;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "picks the prompts and their seeds")
    long seed;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--size", defaultValue = "64", description = "image side in pixels (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--vae-round-trip", description = "instead of generating: draw each prompt's scene and send it"
            + " through the model's VAE (encode, decode), which shows how much of the shapes the latents keep, the"
            + " most a UNet on this VAE can draw")
    boolean vaeRoundTrip;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        if (!Files.isDirectory(model)) {
            throw new UserException("--model " + model + ": not a folder; give a diffusers model folder such as"
                    + " models/demo");
        }
        if (vaeRoundTrip && lora != null) {
            throw new UserException("--vae-round-trip measures the VAE alone; leave out --lora");
        }
        if (lora != null && !Files.isRegularFile(lora)) {
            throw new UserException("--lora " + lora + ": file not found");
        }
        if (prompts < 1 || prompts > 10_000) {
            throw new UserException("--prompts must be 1..10000, found " + prompts);
        }
        if (strengths.isEmpty() || strengths.stream().anyMatch(s -> !Float.isFinite(s) || Math.abs(s) > 10)) {
            throw new UserException("--strengths must be numbers in -10..10 separated by commas, e.g. 0,1; found "
                    + strengths);
        }
        // checks steps and size once, before the model loads
        new TextToImage.Request("check", "", 0, steps, Sampler.DDIM, guidance, size, size, 1);
        List<DemoMeasurement.Prompt> list = DemoMeasurement.prompts(prompts, seed);
        if (vaeRoundTrip) {
            return roundTrip(o, list);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            StableDiffusion sd = StableDiffusion.load(model, Optional.empty(), manager, DataType.FLOAT32);
            LoraNetwork net = lora == null ? null : SdLoras.attach(sd, manager, lora);
            o.printf(Locale.ROOT, "loaded %s%s in %.1f s%n", model.getFileName(),
                    net == null ? "" : " with " + lora.getFileName() + " (" + net.size() + " modules)",
                    (System.nanoTime() - t0) / 1e9);
            o.printf(Locale.ROOT, "%d prompts (seed %d), %dx%d, %d DDIM steps, guidance %s%n", prompts, seed, size,
                    size, steps, guidance);
            long t1 = System.nanoTime();
            DemoMeasurement.Result r = DemoMeasurement.run((prompt, s, strength) -> {
                if (net != null) {
                    net.setMultiplier(strength);
                }
                return TextToImage.generate(sd, manager, new TextToImage.Request(prompt, "", s, steps, Sampler.DDIM,
                        guidance, size, size, 1), null, (step, total) -> { }, () -> false).toImage();
            }, list, strengths, net != null, (done, total) -> {
                o.printf("\rimage %d/%d", done, total);
                o.flush();
            });
            int images = r.tallies().size() * prompts;
            double seconds = (System.nanoTime() - t1) / 1e9;
            o.printf(Locale.ROOT, "%n%d images in %.1f s (%.2f s each)%n%n", images, seconds, seconds / images);
            print(o, r, net != null);
        }
        return 0;
    }

    private int roundTrip(PrintWriter o, List<DemoMeasurement.Prompt> list) {
        if (size % 8 != 0 || size < 8) {
            throw new UserException("--size must be a positive multiple of 8, found " + size);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(model.resolve("vae"), manager, DataType.FLOAT32);
            o.printf(Locale.ROOT, "%d prompts (seed %d) drawn at %dx%d and sent through %s/vae%n", prompts, seed, size,
                    size, model.getFileName());
            DemoMeasurement.Result drawn = DemoMeasurement.run((prompt, s, strength) ->
                    DemoMeasurement.drawn(byText(list, prompt), s, size), list, List.of(0f), false, (d, t) -> { });
            DemoMeasurement.Result r = DemoMeasurement.run((prompt, s, strength) -> {
                BufferedImage img = DemoMeasurement.drawn(byText(list, prompt), s, size);
                try (NDManager m = manager.newSubManager(); NoGrad g = NoGrad.enter()) {
                    float[] px = ImagePrep.toTensor(img, new CropPlan(0, 0, size, size, size, size), false);
                    NDArray x = m.create(px, new Shape(1, 3, size, size));
                    float[] hwc = vae.decode(vae.encode(x).mode()).get(0).transpose(1, 2, 0).add(1f).div(2f)
                            .toFloatArray();
                    // the 8-bit rounding of generated images, so both are read alike
                    return new TextToImage.Result(hwc, size, size, new float[0], new float[0], new long[0], false)
                            .toImage();
                }
            }, list, List.of(0f), false, (done, total) -> {
                o.printf("\rimage %d/%d", done, total);
                o.flush();
            });
            o.println();
            o.printf("%-22s %11s %14s %8s %9s%n", "", "background", "object colour", "shape", "solidity");
            row(o, "drawn scenes", drawn.tallies().get(0));
            row(o, "after the VAE", r.tallies().get(0));
        }
        return 0;
    }

    private static DemoMeasurement.Prompt byText(List<DemoMeasurement.Prompt> list, String text) {
        return list.stream().filter(p -> p.text(Fill.SOLID).equals(text)).findFirst().orElseThrow();
    }

    private static void row(PrintWriter o, String label, DemoMeasurement.Tally t) {
        o.printf(Locale.ROOT, "%-22s %9.1f %% %12.1f %% %6.1f %% %9.2f%n", label, t.backgroundPercent(),
                t.objectColourPercent(), t.shapePercent(), t.meanSolidity());
    }

    private static void print(PrintWriter o, DemoMeasurement.Result r, boolean withLora) {
        o.printf("%-22s %11s %14s %8s %9s%n", "", "background", "object colour", "shape", "solidity");
        for (DemoMeasurement.Tally t : r.tallies()) {
            String label = !withLora ? "base model"
                    : "strength " + trim(t.strength()) + (t.style() == Fill.HOLLOW ? ", zkx style" : ", plain");
            o.printf(Locale.ROOT, "%-22s %9.1f %% %12.1f %% %6.1f %% %9.2f%n", label, t.backgroundPercent(),
                    t.objectColourPercent(), t.shapePercent(), t.meanSolidity());
        }
        DemoMeasurement.Tally base = withLora ? r.tally(r.low(), Fill.SOLID) : r.tallies().get(0);
        String baseName = withLora ? "strength " + trim(r.low()) + ", plain" : "base model";
        o.println();
        o.printf(Locale.ROOT, "%s: background %s, object colour %s, shape %s%n", baseName,
                bar(base.backgroundPercent(), DemoMeasurement.BACKGROUND_BAR),
                bar(base.objectColourPercent(), DemoMeasurement.OBJECT_COLOUR_BAR),
                bar(base.shapePercent(), DemoMeasurement.SHAPE_BAR));
        if (withLora) {
            o.printf(Locale.ROOT, "zkx style hollower at strength %s than at %s: %s of %d prompts%n",
                    trim(r.high()), trim(r.low()), bar(r.hollowerPercent(), DemoMeasurement.HOLLOWER_BAR),
                    r.prompts());
            o.printf(Locale.ROOT, "background right at strength %s without the trigger: %s%n", trim(r.high()),
                    bar(r.tally(r.high(), Fill.SOLID).backgroundPercent(), DemoMeasurement.BACKGROUND_KEPT_BAR));
        }
    }

    /** "12.5 % (bar 90 %: below)". */
    static String bar(double percent, double bar) {
        return String.format(Locale.ROOT, "%.1f %% (bar %.0f %%: %s)", percent, bar, percent >= bar ? "met" : "below");
    }

    private static String trim(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : Float.toString(v);
    }
}
