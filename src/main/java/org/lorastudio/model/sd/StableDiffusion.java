package org.lorastudio.model.sd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.clip.ClipTextConfig;
import org.lorastudio.model.clip.ClipTextModel;
import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.model.vae.AutoencoderKL;
import org.lorastudio.model.vae.VaeConfig;
import org.lorastudio.nn.LoadReport;
import org.lorastudio.nn.Weights;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.sample.SchedulerConfig;
import org.lorastudio.util.UserException;

/**
 * A loaded Stable Diffusion 1.x model: tokenizer, text encoder, UNet, VAE and scheduler settings, from a diffusers
 * folder or from a single {@code .safetensors} file in the original LDM layout (FORMATS §3).
 *
 * <p>Single files carry neither configs nor a tokenizer. The UNet and VAE configs come from the original-format YAML
 * beside the file ({@code <name>.yaml}, the A1111 convention) or else the SD 1.5 values; the text encoder's config is
 * read from the tensor shapes (CLIP heads are 64 wide) or from a {@code text_encoder/config.json} next to the
 * tokenizer folder when a diffusers folder serves as the tokenizer source; the tokenizer is searched as
 * {@link #findTokenizer} describes.
 */
public final class StableDiffusion {
    private final Path source;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final SchedulerConfig scheduler;
    private final List<LoadReport> reports;

    private StableDiffusion(Path source, ClipTokenizer tokenizer, ClipTextModel textEncoder,
                            UNet2DConditionModel unet, AutoencoderKL vae, SchedulerConfig scheduler,
                            List<LoadReport> reports) {
        this.source = source;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.scheduler = scheduler;
        this.reports = List.copyOf(reports);
    }

    /**
     * Loads a model. Weights go into {@code manager} (keep it open as long as the model is used).
     *
     * @param model     a diffusers folder or a single {@code .safetensors} file
     * @param tokenizer an explicit tokenizer folder ({@code vocab.json} + {@code merges.txt}), or empty
     * @param floatType FLOAT32, or FLOAT16 to keep half weights half
     */
    public static StableDiffusion load(Path model, Optional<Path> tokenizer, NDManager manager, DataType floatType) {
        if (!Files.exists(model)) {
            throw new UserException("base model not found: " + model + " — put a diffusers folder or a single"
                    + " .safetensors file under models/ (see models/README.md)");
        }
        SafetensorsFile.refusePickle(model);
        try {
            if (Files.isDirectory(model)) {
                return loadDiffusers(model, tokenizer, manager, floatType);
            }
            if (!model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
                throw new UserException(model.getFileName() + ": expected a diffusers folder or a .safetensors file");
            }
            return loadSingleFile(model, tokenizer, manager, floatType);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + model, e);
        }
    }

    /**
     * The image side a model draws best, as diffusers' pipeline defaults it: the UNet's {@code sample_size} × the
     * VAE's down-sampling factor (64 × 8 = 512 for SD 1.5, 8 × 8 = 64 for the demo model). A single
     * {@code .safetensors} file carries no such config: SD 1.5's 512. Reads only the two small config files.
     *
     * @return empty when {@code model} is neither a readable diffusers folder nor a {@code .safetensors} file
     */
    public static java.util.OptionalInt defaultImageSize(Path model) {
        if (Files.isRegularFile(model)
                && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            return java.util.OptionalInt.of(UNetConfig.sd15().sampleSize() * VaeConfig.sd15().downsampleFactor());
        }
        if (!Files.isRegularFile(model.resolve("unet/config.json")) || !Files.isRegularFile(
                model.resolve("vae/config.json"))) {
            return java.util.OptionalInt.empty();
        }
        try {
            int latent = UNetConfig.fromDiffusersJson(model.resolve("unet/config.json")).sampleSize();
            int factor = VaeConfig.fromConfig(model.resolve("vae")).downsampleFactor();
            return java.util.OptionalInt.of(latent * factor);
        } catch (IOException | RuntimeException e) { // an unreadable config: no default, loading will say why
            return java.util.OptionalInt.empty();
        }
    }

    private static StableDiffusion loadDiffusers(Path dir, Optional<Path> tokenizerDir, NDManager manager,
                                                 DataType floatType) throws IOException {
        for (String part : List.of("unet", "vae", "text_encoder")) {
            if (!Files.isDirectory(dir.resolve(part))) {
                throw new UserException(dir.getFileName() + " is not a diffusers Stable Diffusion folder: '" + part
                        + "/' is missing (expected model_index.json, unet/, vae/, text_encoder/, tokenizer/,"
                        + " scheduler/)");
            }
        }
        List<LoadReport> reports = new ArrayList<>();
        UNet2DConditionModel unet = new UNet2DConditionModel(UNetConfig.fromDiffusersJson(
                dir.resolve("unet/config.json")));
        reports.add(loadComponent(unet, weightsFile(dir.resolve("unet"), "diffusion_pytorch_model"), manager,
                floatType));
        AutoencoderKL vae = AutoencoderKL.fromPretrained(dir.resolve("vae"), manager, floatType);
        ClipTextModel te = ClipTextModel.fromPretrained(dir.resolve("text_encoder"), manager, floatType);
        Path schedulerJson = dir.resolve("scheduler/scheduler_config.json");
        SchedulerConfig sched = Files.isRegularFile(schedulerJson)
                ? SchedulerConfig.fromJson(schedulerJson).config() : SchedulerConfig.sd15();
        ClipTokenizer tok = ClipTokenizer.fromFolder(findTokenizer(dir, tokenizerDir));
        return new StableDiffusion(dir, tok, te, unet, vae, sched, reports);
    }

    private static Path weightsFile(Path folder, String stem) {
        Path f = folder.resolve(stem + ".safetensors");
        if (Files.isRegularFile(f)) {
            return f;
        }
        Path half = folder.resolve(stem + ".fp16.safetensors");
        if (Files.isRegularFile(half)) {
            return half;
        }
        for (String pickle : List.of(".bin", ".ckpt", ".pt")) {
            if (Files.exists(folder.resolve(stem + pickle))) {
                SafetensorsFile.refusePickle(folder.resolve(stem + pickle));
            }
        }
        throw new UserException(folder + ": no " + stem + ".safetensors found");
    }

    private static LoadReport loadComponent(org.lorastudio.nn.Module module, Path file, NDManager manager,
                                            DataType floatType) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(file);
        return Weights.load(module, Weights.refs(f, k -> k), manager, floatType, file.getFileName().toString());
    }

    private static StableDiffusion loadSingleFile(Path file, Optional<Path> tokenizerDir, NDManager manager,
                                                  DataType floatType) throws IOException {
        Path yaml = sidecarYaml(file);
        UNetConfig unetConfig = yaml != null ? UNetConfig.fromLdmYaml(yaml) : UNetConfig.sd15();
        VaeConfig vaeConfig = yaml != null ? LdmVaeConfig.fromLdmYaml(yaml) : VaeConfig.sd15();
        Path tokDir = findTokenizer(file, tokenizerDir);
        SafetensorsFile f = SafetensorsFile.open(file);
        LdmKeyMap keys = new LdmKeyMap(UnetLayout.of(unetConfig), new VaeLayout(vaeConfig.levels(),
                vaeConfig.layersPerBlock()));
        LdmKeyMap.Split split = keys.split(f.tensors().keySet());
        requireComponents(file, split);
        ClipTextConfig teConfig = textEncoderConfig(file, f, split.of(Component.TEXT_ENCODER), tokDir);

        List<LoadReport> reports = new ArrayList<>();
        UNet2DConditionModel unet = new UNet2DConditionModel(unetConfig);
        reports.add(Weights.load(unet, refs(f, split.of(Component.UNET)), manager, floatType,
                file.getFileName() + " (UNet)"));
        AutoencoderKL vae = new AutoencoderKL(vaeConfig);
        reports.add(Weights.load(vae, refs(f, split.of(Component.VAE)), manager, floatType,
                file.getFileName() + " (VAE)"));
        ClipTextModel te = new ClipTextModel(teConfig);
        reports.add(Weights.load(te, refs(f, split.of(Component.TEXT_ENCODER)), manager, floatType,
                file.getFileName() + " (text encoder)"));
        return new StableDiffusion(file, ClipTokenizer.fromFolder(tokDir), te, unet, vae, SchedulerConfig.sd15(),
                reports);
    }

    /** diffusers key → tensor in the single file, from the split's LDM key → diffusers key map. */
    private static Map<String, Weights.TensorRef> refs(SafetensorsFile f, Map<String, String> ldmToDiffusers) {
        Map<String, Weights.TensorRef> out = new java.util.LinkedHashMap<>();
        ldmToDiffusers.forEach((ldm, diffusers) -> out.put(diffusers, new Weights.TensorRef(f, ldm)));
        return out;
    }

    private static void requireComponents(Path file, LdmKeyMap.Split split) {
        List<String> missing = new ArrayList<>();
        for (Component c : Component.values()) {
            if (split.of(c).isEmpty()) {
                missing.add(c.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        if (!missing.isEmpty()) {
            throw new UserException(file.getFileName() + " has no " + String.join(", ", missing) + " weights; a"
                    + " single-file SD 1.x checkpoint holds model.diffusion_model.*, first_stage_model.* and"
                    + " cond_stage_model.* — is this a LoRA, a VAE or an SDXL file? (`lorastudio inspect` shows it)");
        }
    }

    /** The original-format config beside a single file: {@code name.yaml} (A1111 convention). */
    static Path sidecarYaml(Path file) {
        String name = file.getFileName().toString();
        String stem = name.substring(0, name.lastIndexOf('.'));
        for (String ext : List.of(".yaml", ".yml")) {
            Path p = file.resolveSibling(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The text encoder's config: a {@code text_encoder/config.json} beside the tokenizer folder when there is one,
     * else read from the shapes (vocabulary, width, layers, MLP width, positions) with 64-wide heads as in every
     * CLIP text model SD uses.
     */
    private static ClipTextConfig textEncoderConfig(Path file, SafetensorsFile f, Map<String, String> teKeys,
                                                    Path tokenizerDir) {
        Path sibling = tokenizerDir.toAbsolutePath().getParent() == null ? null
                : tokenizerDir.toAbsolutePath().getParent().resolve("text_encoder/config.json");
        if (sibling != null && Files.isRegularFile(sibling)) {
            return ClipTextConfig.fromConfig(sibling);
        }
        Map<String, String> byDiffusers = new java.util.HashMap<>();
        teKeys.forEach((ldm, d) -> byDiffusers.put(d, ldm));
        long[] tok = shape(f, byDiffusers, "text_model.embeddings.token_embedding.weight");
        long[] pos = shape(f, byDiffusers, "text_model.embeddings.position_embedding.weight");
        long[] fc1 = shape(f, byDiffusers, "text_model.encoder.layers.0.mlp.fc1.weight");
        TreeSet<Integer> layers = new TreeSet<>();
        for (String k : byDiffusers.keySet()) {
            if (k.startsWith("text_model.encoder.layers.")) {
                layers.add(Integer.parseInt(k.split("\\.")[3]));
            }
        }
        int hidden = (int) tok[1];
        if (hidden % 64 != 0) {
            throw new UserException(file.getFileName() + ": the text encoder is " + hidden + " wide, not a standard"
                    + " CLIP width; put its transformers config.json as text_encoder/config.json beside the tokenizer"
                    + " folder (e.g. use a diffusers folder's tokenizer/ with --tokenizer)");
        }
        return new ClipTextConfig((int) tok[0], hidden, (int) fc1[0], layers.last() + 1, hidden / 64,
                (int) pos[0], "quick_gelu", 1e-5f);
    }

    private static long[] shape(SafetensorsFile f, Map<String, String> byDiffusers, String key) {
        String ldm = byDiffusers.get(key);
        if (ldm == null) {
            throw new UserException(f.path().getFileName() + ": text encoder tensor " + key + " is missing");
        }
        return f.info(ldm).shape();
    }

    /**
     * Where the CLIP tokenizer is looked for, in order: the explicit folder; a diffusers folder's {@code tokenizer/};
     * {@code vocab.json} + {@code merges.txt} beside a single file or in {@code <name>/tokenizer/};
     * {@code tokenizers/clip-vit-large-patch14/} beside the model and under {@code ./models/}.
     */
    public static Path findTokenizer(Path model, Optional<Path> explicit) {
        if (explicit.isPresent()) {
            Path d = explicit.get();
            if (!hasTokenizer(d)) {
                throw new UserException("tokenizer folder " + d + " has no vocab.json and merges.txt");
            }
            return d;
        }
        Path parent = model.toAbsolutePath().getParent();
        List<Path> candidates = new ArrayList<>();
        if (Files.isDirectory(model)) {
            candidates.add(model.resolve("tokenizer"));
        } else {
            String name = model.getFileName().toString();
            candidates.add(parent);
            candidates.add(parent.resolve(name.substring(0, name.lastIndexOf('.'))).resolve("tokenizer"));
        }
        candidates.add(parent.resolve("tokenizers/clip-vit-large-patch14"));
        candidates.add(Path.of("models/tokenizers/clip-vit-large-patch14").toAbsolutePath());
        for (Path c : candidates) {
            if (hasTokenizer(c)) {
                return c;
            }
        }
        throw new UserException("no CLIP tokenizer found for " + model.getFileName() + ": single .safetensors files"
                + " contain none. Put vocab.json and merges.txt of openai/clip-vit-large-patch14 into"
                + " models/tokenizers/clip-vit-large-patch14/, or pass --tokenizer DIR");
    }

    private static boolean hasTokenizer(Path dir) {
        return dir != null && Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"));
    }

    /** Encodes one prompt to the UNet context [1, 77, D] ({@code clipSkip} 1 = last layer, A1111 numbering). */
    public NDArray encodePrompt(NDManager manager, String prompt, int clipSkip) {
        long[] ids = tokenizer.encode(prompt);
        NDArray idArray = manager.create(ids, new Shape(1, ids.length));
        return textEncoder.forward(idArray, clipSkip);
    }

    public Path source() {
        return source;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipTextModel textEncoder() {
        return textEncoder;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public AutoencoderKL vae() {
        return vae;
    }

    public SchedulerConfig scheduler() {
        return scheduler;
    }

    /** One report per loaded component. */
    public List<LoadReport> reports() {
        return reports;
    }
}
