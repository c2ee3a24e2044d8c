package org.lorastudio.config;

import static org.lorastudio.config.Section.ADVANCED;
import static org.lorastudio.config.Section.AUGMENTATION;
import static org.lorastudio.config.Section.DATA;
import static org.lorastudio.config.Section.LLM;
import static org.lorastudio.config.Section.LORA;
import static org.lorastudio.config.Section.MODEL;
import static org.lorastudio.config.Section.OPTIMIZER;
import static org.lorastudio.config.Section.SAMPLING;
import static org.lorastudio.config.Section.SAVING;
import static org.lorastudio.config.Section.SCHEDULE;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.lorastudio.config.ConfigField.Presence;
import org.lorastudio.config.ValueType.BoolType;
import org.lorastudio.config.ValueType.ChoiceType;
import org.lorastudio.config.ValueType.IntType;
import org.lorastudio.config.ValueType.ListType;
import org.lorastudio.config.ValueType.NumberType;
import org.lorastudio.config.ValueType.PathType;
import org.lorastudio.config.ValueType.TextType;

/**
 * The registry of every config key (SPEC §4), in section and display order. This list is the single source of
 * truth: {@link TrainingConfig}'s components follow it one to one (a test checks both directions), and the loader,
 * validator, writer, docs and form read it.
 */
public final class ConfigFields {
    private static final Set<ModelType> ALL_TYPES = EnumSet.allOf(ModelType.class);
    private static final Set<ModelType> IMAGE = EnumSet.of(ModelType.SD15);
    private static final Set<ModelType> TEXT = EnumSet.of(ModelType.LLM);

    private static final int MAX_STEPS = 100_000_000;
    private static final IntType STEPS_OR_ZERO = new IntType(0, MAX_STEPS);
    private static final IntType SEED = new IntType(0, Integer.MAX_VALUE);
    private static final NumberType RATE = NumberType.between(0, 1);
    private static final NumberType LEARNING_RATE = new NumberType(0, false, 1, true);
    private static final NumberType BETA = new NumberType(0, true, 1, false);
    private static final BoolType BOOL = new BoolType();
    private static final PathType PATH = new PathType();

    private static final TextType NAME = new TextType(1, 80,
            Pattern.compile("(?!\\.\\.?$)(?!\\s)(?!.*\\s$)[^/\\\\:*?\"<>|\\p{Cntrl}]+"),
            "a name of 1..80 characters without / \\ : * ? \" < > |, not starting or ending with a space", false);
    private static final TextType DEVICE = new TextType(1, 16, Pattern.compile("auto|cpu|cuda(:[0-9]{1,2})?"),
            "auto, cpu, cuda or cuda:N (N = GPU index)", false);
    private static final TextType PROMPT_TEXT = new TextType(0, 2000, null, "text of at most 2000 characters", true);
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_.*]+");
    private static final String MODULE_RULE = "module names (letters, digits, _ . *)";
    private static final ListType UNET_MODULES = new ListType(MODULE, MODULE_RULE, true);
    private static final ListType TE_MODULES = new ListType(MODULE, MODULE_RULE, true);
    private static final ListType LLM_MODULES = new ListType(MODULE, MODULE_RULE, false);
    private static final ListType PROMPTS = new ListType(Pattern.compile("(?s)(?=.*\\S).{1,2000}"),
            "prompts of 1..2000 characters", true);

    private static final List<ConfigField> ALL = List.of(
            // Model
            def("name", MODEL, NAME).required().notTunable().example("cyberpunk").aliases("output_name")
                    .describe("Experiment name; used in the run folder name and the LoRA file name.")
                    .hint("semantic: what and which data, e.g. style_anime or medical_qa_v2").build(),
            def("model_type", MODEL, choice(ModelType.class)).byDefault(ModelType.SD15).notTunable()
                    .describe("Which trainer: sd15 trains an image LoRA on an SD 1.5-family model, llm a PEFT"
                            + " LoRA on a LLaMA-family language model.").build(),
            def("base_model", MODEL, PATH).required().notTunable().example("../../models/sd15.safetensors")
                    .aliases("pretrained_model_name_or_path", "model", "base_model_path", "model_path")
                    .describe("The base model: an SD 1.5 single-file .safetensors checkpoint or diffusers folder,"
                            + " or a Hugging Face LLM folder. Relative paths resolve against the config's folder.")
                    .hint("no visible effect? check the base_model path and format").build(),
            // Data
            def("train_data_dir", DATA, PATH).required().notTunable().example("../../workspace/datasets/my_lora")
                    .aliases("data_dir", "dataset", "dataset_dir", "train_dir", "instance_data_dir", "data_path")
                    .describe("Training data: an image folder with captions (sd15), or an Alpaca JSON/JSONL file,"
                            + " a text file or a folder of them (llm). Relative to the config's folder.")
                    .hint("images: 50-200; text: 100-500 examples").build(),
            def("metadata_path", DATA, PATH).optional().notTunable().only(IMAGE)
                    .example("../../workspace/datasets/my_lora/metadata.csv").aliases("metadata", "caption_file")
                    .describe("Captions file: metadata.csv (columns file_name,text) or metadata.jsonl; when unset,"
                            + " each image's caption is read from <image>.txt next to it.")
                    .hint("concrete, sensory words (\"neon lights, wet pavement\"), not \"futuristic\"").build(),
            def("resolution", DATA, new IntType(64, 4096, 64)).byDefault(512).unit("px").only(IMAGE)
                    .aliases("image_size", "size")
                    .describe("Training resolution: images are scaled to about resolution x resolution pixels"
                            + " (keeping their aspect ratio when bucketing); a multiple of 64 for the UNet.")
                    .hint("at least 512 for SD 1.5, without stretching; 512 when out of memory").build(),
            def("enable_bucket", DATA, BOOL).byDefault(true).only(IMAGE).aliases("bucketing")
                    .describe("Aspect-ratio bucketing: batch images of similar shape instead of cropping them;"
                            + " false = resize and center-crop every image to a square.").build(),
            def("cache_latents", DATA, BOOL).byDefault(true).only(IMAGE)
                    .describe("Encode each image with the VAE once and reuse the latents: much faster steps, at"
                            + " the cost of memory (or disk) for the cache.").build(),
            def("validation_split", DATA, NumberType.between(0, 0.9)).byDefault(0.0).notTunable()
                    .aliases("val_split", "validation_fraction")
                    .describe("Fraction of the images (or examples) held out of training to measure a validation"
                            + " loss; which ones follows from seed and is listed in the run's validation.json."
                            + " 0 = none held out.")
                    .hint("0.1-0.2 for 50+ images; 0 with validation_data_dir").build(),
            def("validation_data_dir", DATA, PATH).optional().notTunable().aliases("val_data_dir")
                    .describe("A separate validation set in the same layout as train_data_dir (images with"
                            + " captions, or examples); instead of validation_split.").build(),
            def("validation_every_n_steps", DATA, STEPS_OR_ZERO).byDefault(0).unit("optimizer steps")
                    .aliases("val_every_n_steps", "eval_steps")
                    .describe("Measure the validation loss every N optimizer steps (and at the end); 0 = only at"
                            + " the end. Needs validation_split or validation_data_dir.").build(),
            // LoRA
            def("lora_rank", LORA, new IntType(1, 1024)).byDefault(8).aliases("network_dim", "rank", "r")
                    .describe("LoRA rank r, the width of the adapter's bottleneck: more capacity and larger files"
                            + " as it grows, and more risk of over-fitting.")
                    .hint("images 4-16; language models 8-64; 4-8 when out of memory").build(),
            def("lora_alpha", LORA, NumberType.above(0)).optional().defaultNote("= lora_rank")
                    .aliases("network_alpha", "alpha")
                    .describe("Scales the LoRA output by lora_alpha / lora_rank; unset means alpha = rank (scale 1).")
                    .hint("rank, rank/2, or 1 (kohya's default, scale 1/rank)").build(),
            def("lora_dropout", LORA, BETA).byDefault(0.0).aliases("network_dropout", "dropout")
                    .describe("Dropout probability on the LoRA path during training.")
                    .hint("0 for images; 0.05-0.1 for language models").build(),
            def("unet_target_modules", LORA, UNET_MODULES).byDefault(List.of("attentions")).only(IMAGE)
                    .describe("UNet layers that get a LoRA: attentions = to_q, to_k, to_v, to_out.0 of every"
                            + " transformer block; resnets adds conv LoRA to the ResNet blocks; module names work too.")
                    .hint("keep attentions: a LoRA on the text encoder alone has little visible effect").build(),
            def("text_encoder_target_modules", LORA, TE_MODULES).byDefault(List.of()).only(IMAGE)
                    .example("[q_proj, k_proj, v_proj, out_proj]")
                    .describe("Text-encoder layers that get a LoRA, e.g. [q_proj, k_proj, v_proj, out_proj];"
                            + " empty = the text encoder stays frozen.")
                    .hint("empty, or the four attention projections with text_encoder_lr about half of unet_lr")
                    .build(),
            def("target_modules", LORA, LLM_MODULES).byDefault(List.of("q_proj", "v_proj")).only(TEXT)
                    .describe("Linear layers of the language model that get a LoRA; the names are checked against"
                            + " the model's real Linear layers when training starts.")
                    .hint("q_proj, v_proj; add k_proj, o_proj, gate_proj, up_proj, down_proj for more capacity")
                    .build(),
            // Optimizer
            def("optimizer", OPTIMIZER, choice(Optimizer.class)).byDefault(Optimizer.ADAMW)
                    .aliases("optimizer_type", "optim")
                    .describe("The optimizer; all use weight_decay, AdamW and Lion also the betas.").build(),
            def("learning_rate", OPTIMIZER, LEARNING_RATE).byDefault(2e-4).aliases("lr")
                    .describe("Learning rate of every LoRA part unless unet_lr or text_encoder_lr say otherwise.")
                    .hint("default 2e-4, usual range 1e-4 to 3e-4; 1e-4 when it over-fits").build(),
            def("unet_lr", OPTIMIZER, LEARNING_RATE).optional().defaultNote("= learning_rate").only(IMAGE)
                    .describe("Learning rate of the UNet LoRA; unset = learning_rate.").hint("1e-4").build(),
            def("text_encoder_lr", OPTIMIZER, LEARNING_RATE).optional().defaultNote("= learning_rate").only(IMAGE)
                    .aliases("te_lr")
                    .describe("Learning rate of the text-encoder LoRA; unset = learning_rate. Used only when"
                            + " text_encoder_target_modules is not empty.")
                    .hint("about half of unet_lr, e.g. 5e-5").build(),
            def("weight_decay", OPTIMIZER, RATE).byDefault(0.01)
                    .describe("Decoupled weight decay applied to the LoRA weights.").hint("0.01").build(),
            def("adam_beta1", OPTIMIZER, BETA).byDefault(0.9)
                    .describe("AdamW's first-moment decay; Lion's interpolation beta.").hint("0.9").build(),
            def("adam_beta2", OPTIMIZER, BETA).byDefault(0.999)
                    .describe("AdamW's second-moment decay; Lion's momentum beta.")
                    .hint("0.999 for AdamW, 0.99 for Lion").build(),
            def("adam_epsilon", OPTIMIZER, LEARNING_RATE).byDefault(1e-8)
                    .describe("AdamW's epsilon, added to the denominator for numerical stability.").hint("1e-8")
                    .build(),
            def("max_grad_norm", OPTIMIZER, NumberType.atLeast(0)).byDefault(1.0).aliases("clip_grad_norm")
                    .describe("Clip the gradients to this global L2 norm; 0 = no clipping.").hint("1.0").build(),
            // Schedule
            def("batch_size", SCHEDULE, new IntType(1, 1024)).byDefault(4).unit("items")
                    .aliases("train_batch_size", "batch")
                    .describe("Images (or sequences) per forward pass.")
                    .hint("out of memory? lower to 2 or 1 first").build(),
            def("gradient_accumulation_steps", SCHEDULE, new IntType(1, 1024)).byDefault(1).unit("passes")
                    .aliases("grad_accum", "gradient_accumulation")
                    .describe("Forward passes per optimizer step; the effective batch is batch_size times this.")
                    .hint("raise it when batch_size must be small").build(),
            def("epochs", SCHEDULE, new IntType(1, 100_000)).byDefault(10)
                    .aliases("num_train_epochs", "max_train_epochs", "num_epochs", "epoch")
                    .describe("Passes over the data set; ignored when max_train_steps is set.")
                    .hint("fewer epochs when it over-fits").build(),
            def("max_train_steps", SCHEDULE, new IntType(1, MAX_STEPS)).optional().unit("optimizer steps")
                    .aliases("max_steps", "steps")
                    .describe("Total optimizer steps; when set, it overrides epochs.").build(),
            def("lr_scheduler", SCHEDULE, choice(LrScheduler.class)).byDefault(LrScheduler.CONSTANT)
                    .aliases("scheduler", "lr_schedule")
                    .describe("How the learning rate changes over the run.").hint("constant or cosine").build(),
            def("lr_warmup_steps", SCHEDULE, STEPS_OR_ZERO).byDefault(0).unit("optimizer steps")
                    .aliases("warmup_steps", "lr_warmup")
                    .describe("Steps over which the learning rate rises linearly from 0; constant ignores them.")
                    .build(),
            def("seed", SCHEDULE, SEED).byDefault(42).aliases("random_seed")
                    .describe("Seed of every random stream (data order, LoRA init, noise, dropout): the same seed"
                            + " and data give the same run.").build(),
            // Saving
            def("output_dir", SAVING, PATH).optional().notTunable().defaultNote("<workspace>/runs")
                    .aliases("output", "out_dir", "logging_dir")
                    .describe("Folder in which run folders are created; unset = the workspace's runs folder."
                            + " Relative paths resolve against the config's folder.").build(),
            def("save_steps", SAVING, STEPS_OR_ZERO).byDefault(100).unit("optimizer steps")
                    .aliases("save_every_n_steps", "checkpointing_steps")
                    .describe("Save a LoRA checkpoint every N optimizer steps; 0 = only at the end.").build(),
            def("save_last_n", SAVING, new IntType(1, 100_000)).optional().unit("checkpoints")
                    .aliases("save_last_n_steps", "checkpoints_total_limit", "save_total_limit")
                    .describe("Keep only the newest N step checkpoints; unset = keep all.").build(),
            def("save_precision", SAVING, choice(SavePrecision.class)).byDefault(SavePrecision.FP16)
                    .describe("Precision of the tensors in the saved LoRA file.").hint("fp16").build(),
            def("save_format", SAVING, choice(SaveFormat.class)).byDefault(SaveFormat.KOHYA).only(IMAGE)
                    .describe("Key layout of the saved image LoRA; language-model LoRAs are always PEFT folders.")
                    .hint("kohya, for A1111/Forge/ComfyUI").build(),
            // Sampling
            def("sample_every_n_steps", SAMPLING, STEPS_OR_ZERO).byDefault(0).unit("optimizer steps")
                    .aliases("sample_every_n_step", "validation_steps")
                    .describe("Generate samples every N optimizer steps; 0 = no samples during training.").build(),
            def("sample_prompts", SAMPLING, PROMPTS).byDefault(List.of()).example("[\"a neon street at night\"]")
                    .aliases("prompts", "validation_prompt", "sample_prompt")
                    .describe("Prompts for sample images (sd15) or text prompts (llm); needed when"
                            + " sample_every_n_steps is above 0.")
                    .hint("use the words of your captions; add a prompt without them to see leakage").build(),
            def("sample_negative_prompt", SAMPLING, PROMPT_TEXT).byDefault("").only(IMAGE)
                    .aliases("negative_prompt")
                    .describe("Negative prompt for sample images.")
                    .hint("a stronger negative prompt helps against over-fitting artifacts").build(),
            def("sample_steps", SAMPLING, new IntType(1, 1000)).byDefault(20).unit("denoising steps").only(IMAGE)
                    .describe("Denoising steps per sample image.").hint("20-30 with ddim or euler_a").build(),
            def("sample_sampler", SAMPLING, choice(Sampler.class)).byDefault(Sampler.DDIM).only(IMAGE)
                    .aliases("sampler")
                    .describe("Sampler for sample images.").build(),
            def("sample_seed", SAMPLING, SEED).byDefault(1234)
                    .describe("Seed of the sample images (or generated texts), the same at every step so that"
                            + " samples are comparable.").build(),
            def("sample_guidance", SAMPLING, NumberType.between(0, 50)).byDefault(7.5).only(IMAGE)
                    .aliases("guidance_scale", "cfg_scale")
                    .describe("Classifier-free guidance scale of the samples; 1 = no guidance.").hint("7.5").build(),
            // Augmentation
            def("shuffle_caption", AUGMENTATION, BOOL).byDefault(false).only(IMAGE)
                    .describe("Shuffle the comma-separated tags of each caption every time it is used; the first"
                            + " keep_tokens tags stay in place.").build(),
            def("keep_tokens", AUGMENTATION, new IntType(0, 255)).byDefault(0).unit("tags").only(IMAGE)
                    .describe("Leading tags that shuffling and tag dropout leave alone (e.g. a trigger word).")
                    .hint("1 when captions start with a trigger word").build(),
            def("caption_dropout_rate", AUGMENTATION, RATE).byDefault(0.0).only(IMAGE)
                    .describe("Probability of training an image with an empty caption.").hint("0-0.1").build(),
            def("caption_tag_dropout_rate", AUGMENTATION, RATE).byDefault(0.0).only(IMAGE)
                    .aliases("caption_tag_dropout")
                    .describe("Probability of dropping each tag (after the first keep_tokens).").hint("0-0.1")
                    .build(),
            def("flip_aug", AUGMENTATION, BOOL).byDefault(false).only(IMAGE).aliases("flip", "random_flip")
                    .describe("Mirror images horizontally at random; not for asymmetric subjects (text, logos).")
                    .build(),
            // Advanced
            def("mixed_precision", ADVANCED, choice(MixedPrecision.class)).byDefault(MixedPrecision.NO)
                    .aliases("precision")
                    .describe("Compute precision of the forward and backward passes; LoRA weights stay fp32.")
                    .hint("no on CPU; fp16 on a GPU to save memory").build(),
            def("gradient_checkpointing", ADVANCED, BOOL).byDefault(false)
                    .describe("Recompute activations in the backward pass instead of storing them: less memory,"
                            + " slower steps.")
                    .hint("on when out of memory, after lowering batch_size and rank").build(),
            def("device", ADVANCED, DEVICE).byDefault("auto")
                    .describe("Where to train: auto = the first CUDA GPU when there is one, else the CPU.").build(),
            def("noise_offset", ADVANCED, RATE).byDefault(0.0).only(IMAGE)
                    .describe("Adds offset noise so the model learns very dark and very bright images.")
                    .hint("0.05-0.1 when used").build(),
            def("min_snr_gamma", ADVANCED, NumberType.above(0)).optional().only(IMAGE)
                    .describe("Min-SNR loss weighting with this gamma; unset = plain MSE.").hint("5").build(),
            def("prediction_type", ADVANCED, choice(PredictionType.class)).byDefault(PredictionType.EPSILON)
                    .only(IMAGE).aliases("v_parameterization")
                    .describe("What the UNet predicts; SD 1.5 models predict epsilon.").build(),
            def("clip_skip", ADVANCED, new IntType(1, 12)).byDefault(1).only(IMAGE)
                    .describe("Use the output of the k-th last CLIP layer (A1111 numbering: 1 = the last layer).")
                    .hint("1; 2 for anime models that were trained with it").build(),
            // LLM
            def("max_seq_length", LLM, new IntType(16, 32_768)).byDefault(512).unit("tokens").only(TEXT)
                    .aliases("cutoff_len", "max_length", "block_size")
                    .describe("Longest training sequence; longer examples are cut.").build(),
            def("prompt_template", LLM, choice(PromptTemplate.class)).byDefault(PromptTemplate.ALPACA).only(TEXT)
                    .aliases("template")
                    .describe("How instruction, input and output become one training text.").build(),
            def("train_on_inputs", LLM, BOOL).byDefault(false).only(TEXT)
                    .describe("Also compute the loss on the instruction and input tokens; false = response only.")
                    .build());

    private static final Map<String, ConfigField> BY_KEY = ALL.stream()
            .collect(Collectors.toMap(ConfigField::key, Function.identity(), (a, b) -> {
                throw new IllegalStateException("duplicate key " + a.key());
            }, LinkedHashMap::new));

    private ConfigFields() {
    }

    /** Every field, in section and display order. */
    public static List<ConfigField> all() {
        return ALL;
    }

    public static Optional<ConfigField> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    /** Like {@link #byKey} for keys that must exist (a programming error otherwise). */
    public static ConfigField get(String key) {
        return byKey(key).orElseThrow(() -> new IllegalArgumentException("no config key " + key));
    }

    public static List<ConfigField> inSection(Section section) {
        return ALL.stream().filter(f -> f.section() == section).toList();
    }

    /**
     * The key a user probably meant by an unknown key: one whose alias it is ({@code network_dim}), the same key
     * written differently ({@code Lora-Rank}), or the nearest key by edit distance when that is close enough.
     */
    public static Optional<String> suggest(String unknown) {
        String norm = unknown.strip().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (ConfigField f : ALL) {
            if (f.key().equals(norm) || f.aliases().contains(norm)) {
                return Optional.of(f.key());
            }
        }
        // Up to a third of the letters may differ (at most 3); names shorter than 4 letters only match exactly,
        // or any one-letter typo would "mean" lora_rank through its alias r.
        int limit = Math.max(1, Math.min(3, norm.length() / 3));
        record Candidate(String key, int distance) {
        }
        return ALL.stream()
                .flatMap(f -> Stream.concat(Stream.of(f.key()), f.aliases().stream())
                        .filter(name -> name.length() >= 4)
                        .map(name -> new Candidate(f.key(), editDistance(norm, name))))
                .filter(c -> c.distance() <= limit)
                .min(Comparator.comparingInt(Candidate::distance))
                .map(Candidate::key);
    }

    static int editDistance(String a, String b) {
        return org.lorastudio.util.EditDistance.of(a, b);
    }

    private static <E extends Enum<E> & ConfigEnum> ChoiceType<E> choice(Class<E> type) {
        return new ChoiceType<>(type);
    }

    private static Def def(String key, Section section, ValueType type) {
        return new Def(key, section, type);
    }

    /** A small builder so that the table above reads like the SPEC's table. */
    private static final class Def {
        private final String key;
        private final Section section;
        private final ValueType type;
        private Presence presence = Presence.DEFAULTED;
        private Object defaultValue;
        private String defaultNote;
        private String unit;
        private String description;
        private String hint;
        private Set<ModelType> appliesTo = ALL_TYPES;
        private List<String> aliases = List.of();
        private boolean tunable = true;
        private String example;

        Def(String key, Section section, ValueType type) {
            this.key = key;
            this.section = section;
            this.type = type;
        }

        Def required() {
            presence = Presence.REQUIRED;
            return this;
        }

        Def optional() {
            presence = Presence.OPTIONAL;
            return this;
        }

        Def byDefault(Object value) {
            defaultValue = value;
            return this;
        }

        Def defaultNote(String note) {
            defaultNote = note;
            return this;
        }

        Def unit(String u) {
            unit = u;
            return this;
        }

        Def describe(String text) {
            description = text;
            return this;
        }

        Def hint(String text) {
            hint = text;
            return this;
        }

        Def only(Set<ModelType> types) {
            appliesTo = types;
            return this;
        }

        Def aliases(String... names) {
            aliases = List.of(names);
            return this;
        }

        Def notTunable() {
            tunable = false;
            return this;
        }

        Def example(String text) {
            example = text;
            return this;
        }

        ConfigField build() {
            String ex = example != null ? example : defaultValue != null ? type.yaml(defaultValue) : null;
            return new ConfigField(key, section, type, presence, defaultValue, defaultNote, unit, description, hint,
                    appliesTo, aliases, tunable, ex);
        }
    }
}
