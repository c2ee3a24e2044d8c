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

import javax.imageio.ImageIO;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.lorastudio.config.Sampler;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.model.sd.TextToImage;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate}: text-to-image with an SD 1.5 model and optional LoRAs, written as a PNG. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate an image with a Stable Diffusion 1.5 model (diffusers folder or single"
                + " .safetensors file), optionally with LoRAs, and write it as a PNG.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "diffusers folder or single-file .safetensors checkpoint")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "folder with vocab.json and merges.txt (needed for single files without one nearby)")
    Path tokenizer;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT")
    String prompt;

    @Option(names = "--negative", paramLabel = "TEXT", defaultValue = "", description = "negative prompt (default: empty)")
    String negative;

    @Option(names = "--lora", paramLabel = "FILE[:STRENGTH]",
            description = "a LoRA (kohya, diffusers or PEFT layout) at a strength (default 1.0); repeatable")
    List<String> loras = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "0", description = "seed of the start latents (torch-compatible)")
    int seed;

    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--sampler", defaultValue = "ddim", description = "ddim, euler_a or ddpm (default: ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--guidance", defaultValue = "7.5", description = "classifier-free guidance scale")
    float guidance;

    @Option(names = "--width", description = "image width (default: the size the model draws, 64 for models/demo,"
            + " 512 for SD 1.5)")
    Integer width;

    @Option(names = "--height", description = "image height (default: like --width)")
    Integer height;

    @Option(names = "--clip-skip", defaultValue = "1", description = "1 = last text-encoder layer (A1111 numbering)")
    int clipSkip;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32 or fp16 (weights and UNet in half)")
    String precision;

    @Option(names = "--latents", paramLabel = "FILE", description = "start from the 'init_latents' in this safetensors file")
    Path latents;

    @Option(names = "--save-latents", paramLabel = "FILE", description = "write start and final latents (safetensors)")
    Path saveLatents;

    @Option(names = "--out", required = true, paramLabel = "FILE.png")
    Path out;

    @Override
    public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut();
        Sampler s = parseSampler(sampler);
        DataType floatType = switch (precision.toLowerCase(Locale.ROOT)) {
            case "fp32" -> DataType.FLOAT32;
            case "fp16" -> DataType.FLOAT16;
            default -> throw new UserException("--precision must be fp32 or fp16, found '" + precision + "'");
        };
        int modelSize = width != null && height != null ? 0
                : org.lorastudio.model.sd.StableDiffusion.defaultImageSize(model).orElse(512);
        int width = this.width != null ? this.width : this.height != null ? this.height : modelSize;
        int height = this.height != null ? this.height : this.width != null ? this.width : modelSize;
        TextToImage.Request req = new TextToImage.Request(prompt, negative, seed, steps, s, guidance, width, height,
                clipSkip);
        float[] start = latents == null ? null : readLatents(latents, width, height);
        try (NDManager manager = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            StableDiffusion sd = StableDiffusion.load(model, Optional.ofNullable(tokenizer), manager, floatType);
            o.printf("loaded %s in %.1f s%n", model.getFileName(), (System.nanoTime() - t0) / 1e9);
            for (String spec : loras) {
                applyLora(sd, manager, spec, o);
            }
            long t1 = System.nanoTime();
            TextToImage.Result r = TextToImage.generate(sd, manager, req, start, (step, total) -> {
                o.printf("\rstep %d/%d", step, total);
                o.flush();
            }, () -> false);
            o.printf("%ngenerated %dx%d in %.1f s%n", width, height, (System.nanoTime() - t1) / 1e9);
            AtomicFiles.write(out, stream -> ImageIO.write(r.toImage(), "png", stream));
            if (saveLatents != null) {
                new SafetensorsWriter()
                        .addFloats("init_latents", r.latentShape(), r.initLatents(), DType.F32)
                        .addFloats("final_latents", r.latentShape(), r.finalLatents(), DType.F32)
                        .metadata("prompt", prompt).metadata("seed", Integer.toString(seed))
                        .write(saveLatents);
            }
            o.println("wrote " + out);
        }
        return 0;
    }

    private static void applyLora(StableDiffusion sd, NDManager manager, String spec, PrintWriter o)
            throws IOException {
        int colon = spec.lastIndexOf(':');
        Path file = Path.of(spec);
        float strength = 1f;
        if (colon > 0 && !Files.exists(file)) {
            try {
                strength = Float.parseFloat(spec.substring(colon + 1));
                file = Path.of(spec.substring(0, colon));
            } catch (NumberFormatException e) {
                throw new UserException("--lora " + spec + ": expected FILE or FILE:STRENGTH (e.g. style.safetensors:0.8)");
            }
        }
        LoraNetwork net = SdLoras.attach(sd, manager, file);
        net.setMultiplier(strength);
        o.printf("LoRA %s: %d modules at strength %s%n", file.getFileName(), net.size(), strength);
    }


    private static float[] readLatents(Path file, int width, int height) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            String key = f.contains("init_latents") ? "init_latents" : f.tensors().keySet().stream().findFirst()
                    .orElseThrow(() -> new UserException(file.getFileName() + ": holds no tensor"));
            long[] shape = f.info(key).shape();
            long want = 4L * (height / 8) * (width / 8);
            if (f.info(key).numel() != want) {
                throw new UserException(file.getFileName() + ": '" + key + "' has shape "
                        + java.util.Arrays.toString(shape) + "; a " + width + "x" + height + " image needs [1, 4, "
                        + height / 8 + ", " + width / 8 + "]");
            }
            return f.readFloats(key);
        }
    }

    static Sampler parseSampler(String name) {
        for (Sampler s : Sampler.values()) {
            if (s.yamlName().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new UserException("--sampler must be one of ddim, euler_a, ddpm; found '" + name + "'");
    }
}
