package org.lorastudio.train.pretrain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lorastudio.model.clip.ClipTextModel;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.model.vae.AutoencoderKL;
import org.lorastudio.nn.Conv2d;
import org.lorastudio.nn.Embedding;
import org.lorastudio.nn.GroupNorm;
import org.lorastudio.nn.LayerNorm;
import org.lorastudio.nn.Linear;
import org.lorastudio.nn.Module;
import org.lorastudio.nn.Parameter;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.util.AtomicFiles;

/**
 * The demo base model as diffusers folders: the architecture (the configs and tokenizer under
 * {@code resources/org/lorastudio/demo/base}, the layout of {@code models/demo}) with seeded random weights to start
 * pretraining from, and the writers that store trained components in the same layout.
 */
public final class DemoBaseModel {
    /** Files of the architecture, relative to the resource folder and to a model folder. */
    private static final List<String> FILES = List.of("model_index.json", "scheduler/scheduler_config.json",
            "tokenizer/merges.txt", "tokenizer/special_tokens_map.json", "tokenizer/tokenizer_config.json",
            "tokenizer/vocab.json", "text_encoder/config.json", "unet/config.json", "vae/config.json");
    private static final String RESOURCES = "/org/lorastudio/demo/base/";
    static final String UNET_WEIGHTS = "unet/diffusion_pytorch_model.safetensors";
    static final String VAE_WEIGHTS = "vae/diffusion_pytorch_model.safetensors";
    static final String TEXT_ENCODER_WEIGHTS = "text_encoder/model.safetensors";
    private static final Pattern SCALING = Pattern.compile("(\"scaling_factor\"\\s*:\\s*)[-0-9.eE+]+");

    private DemoBaseModel() {
    }

    /**
     * Writes the demo architecture with random weights drawn from {@code seed} into {@code dir}: PyTorch's default
     * initialisation (convolutions and linear layers U(±1/√fan_in) for weight and bias, norms 1 and 0) and
     * N(0, 0.02) embeddings as in CLIP.
     */
    public static void writeRandom(Path dir, long seed, NDManager manager) throws IOException {
        for (String f : FILES) {
            Path target = dir.resolve(f);
            Files.createDirectories(target.getParent());
            try (InputStream in = DemoBaseModel.class.getResourceAsStream(RESOURCES + f)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCES + f + " is missing from the build");
                }
                AtomicFiles.writeBytes(target, in.readAllBytes());
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        try (NDManager m = manager.newSubManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.fromDiffusersJson(
                    dir.resolve("unet/config.json")));
            initialize(unet, m, rnd.split());
            writeWeights(unet, dir.resolve(UNET_WEIGHTS));
            AutoencoderKL vae = AutoencoderKL.fromConfig(dir.resolve("vae"));
            initialize(vae, m, rnd.split());
            writeWeights(vae, dir.resolve(VAE_WEIGHTS));
            ClipTextModel te = ClipTextModel.fromConfig(dir.resolve("text_encoder"));
            initialize(te, m, rnd.split());
            writeWeights(te, dir.resolve(TEXT_ENCODER_WEIGHTS));
        }
    }

    /** Fills every parameter of {@code model}, module by module in state-dict order, from {@code rnd}. */
    static void initialize(Module model, NDManager manager, SplittableRandom rnd) {
        List<Module> modules = new java.util.ArrayList<>();
        modules.add(model);
        modules.addAll(model.namedModules().values());
        for (Module module : modules) {
            for (Parameter p : module.localParameters().values()) {
                NDArray a = manager.create(values(module, p, rnd), p.shape());
                a.setName(p.name());
                p.set(a);
            }
        }
    }

    private static float[] values(Module module, Parameter p, SplittableRandom rnd) {
        float[] v = new float[Math.toIntExact(p.numel())];
        if (module instanceof GroupNorm || module instanceof LayerNorm) {
            java.util.Arrays.fill(v, p.name().equals("weight") ? 1f : 0f);
        } else if (module instanceof Conv2d || module instanceof Linear) {
            long[] w = module.localParameters().get("weight").shape().getShape();
            long fanIn = 1;
            for (int i = 1; i < w.length; i++) {
                fanIn *= w[i];
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
            }
        } else if (module instanceof Embedding || p.shape().dimension() > 1) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 0.02);
            }
        } else {
            java.util.Arrays.fill(v, p.name().equals("weight") ? 1f : 0f);
        }
        return v;
    }

    /** Writes every parameter of {@code model} under its reference key as F32 (diffusers' {@code format: pt}). */
    public static void writeWeights(Module model, Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            NDArray a = e.getValue().array();
            w.addFloats(e.getKey(), a.getShape().getShape(), a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .toFloatArray(), DType.F32);
        }
        Files.createDirectories(file.getParent());
        w.write(file);
    }

    /**
     * Rewrites a weights file with every tensor in F16 (temp + move), the way fp16 SD checkpoints are shipped:
     * half the size, and loaders (ours and diffusers) read it into whatever precision they compute in.
     */
    static void toHalf(Path file) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        try (org.lorastudio.safetensors.SafetensorsFile in = org.lorastudio.safetensors.SafetensorsFile.open(file)) {
            w.metadata(in.metadata());
            for (String name : in.tensors().keySet()) {
                w.addFloats(name, in.info(name).shape(), in.readFloats(name), DType.F16);
            }
        }
        w.write(file);
    }

    /** Copies the model folder {@code from} to {@code to} (files replaced; nothing else there is removed). */
    public static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Rewrites {@code scaling_factor} in a VAE {@code config.json}, keeping the rest of the file as it is. */
    static void setScalingFactor(Path vaeConfig, double factor) throws IOException {
        String json = Files.readString(vaeConfig);
        Matcher m = SCALING.matcher(json);
        if (!m.find()) {
            throw new IOException(vaeConfig + " has no scaling_factor");
        }
        String value = String.format(java.util.Locale.ROOT, "%.5f", factor);
        AtomicFiles.writeString(vaeConfig, m.replaceFirst(Matcher.quoteReplacement(m.group(1) + value)));
    }
}
