package org.lorastudio.config;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.lorastudio.config.ConfigProblem.Severity;

/**
 * Checks that involve more than one key. An error is a combination the trainer cannot run (nothing to train,
 * samples without prompts); a warning is a setting that is valid but has no effect, which usually means the user
 * expected something else. The docs list these rules from {@link #ALL}, so they are written down once.
 */
final class ConfigRules {
    /**
     * One cross-field rule.
     *
     * @param severity what breaking it is
     * @param key      the key the problem is reported on
     * @param involves every key the rule reads; it is skipped while any of them has its own problem
     * @param doc      the rule in words, for the docs
     * @param check    the problem message when the rule is broken
     */
    record Rule(Severity severity, String key, List<String> involves, String doc,
                Function<TrainingConfig, Optional<String>> check) {
    }

    static final List<Rule> ALL = List.of(
            new Rule(Severity.ERROR, "unet_target_modules",
                    List.of("model_type", "unet_target_modules", "text_encoder_target_modules"),
                    "sd15: unet_target_modules and text_encoder_target_modules must not both be empty.",
                    c -> when(c.modelType() == ModelType.SD15 && c.unetTargetModules().isEmpty()
                                    && c.textEncoderTargetModules().isEmpty(),
                            "is empty and so is text_encoder_target_modules, so nothing would be trained;"
                                    + " use [attentions]")),
            new Rule(Severity.WARNING, "text_encoder_lr", List.of("text_encoder_lr", "text_encoder_target_modules"),
                    "text_encoder_lr set while text_encoder_target_modules is empty has no effect (warning).",
                    c -> when(c.textEncoderLr().isPresent() && c.textEncoderTargetModules().isEmpty(),
                            "has no effect while text_encoder_target_modules is empty (the text encoder stays"
                                    + " frozen); remove it or list text-encoder modules")),
            new Rule(Severity.WARNING, "unet_lr", List.of("unet_lr", "unet_target_modules"),
                    "unet_lr set while unet_target_modules is empty has no effect (warning).",
                    c -> when(c.unetLr().isPresent() && c.unetTargetModules().isEmpty(),
                            "has no effect while unet_target_modules is empty; remove it or list UNet modules")),
            new Rule(Severity.ERROR, "sample_every_n_steps", List.of("sample_every_n_steps", "sample_prompts"),
                    "sample_every_n_steps above 0 needs at least one entry in sample_prompts.",
                    c -> when(c.sampleEveryNSteps() > 0 && c.samplePrompts().isEmpty(),
                            "asks for samples every " + c.sampleEveryNSteps() + " steps but sample_prompts is"
                                    + " empty; add prompts or set sample_every_n_steps: 0")),
            new Rule(Severity.WARNING, "lr_warmup_steps", List.of("lr_warmup_steps", "lr_scheduler"),
                    "lr_warmup_steps above 0 with lr_scheduler constant is ignored (warning).",
                    c -> when(c.lrWarmupSteps() > 0 && c.lrScheduler() == LrScheduler.CONSTANT,
                            "is ignored by lr_scheduler constant; use constant_with_warmup")),
            new Rule(Severity.ERROR, "lr_warmup_steps", List.of("lr_warmup_steps", "max_train_steps"),
                    "lr_warmup_steps must be below max_train_steps when that is set.",
                    c -> when(c.maxTrainSteps().isPresent() && c.lrWarmupSteps() >= c.maxTrainSteps().get(),
                            "must be below max_train_steps (" + c.maxTrainSteps().orElse(0)
                                    + "); the learning rate would never reach its value")),
            new Rule(Severity.WARNING, "keep_tokens",
                    List.of("keep_tokens", "shuffle_caption", "caption_tag_dropout_rate"),
                    "keep_tokens above 0 only matters with shuffle_caption or caption_tag_dropout_rate (warning).",
                    c -> when(c.keepTokens() > 0 && !c.shuffleCaption() && c.captionTagDropoutRate() == 0,
                            "only matters with shuffle_caption: true or caption_tag_dropout_rate above 0")),
            new Rule(Severity.WARNING, "save_last_n", List.of("save_last_n", "save_steps"),
                    "save_last_n with save_steps 0 has no effect: there are no step checkpoints (warning).",
                    c -> when(c.saveLastN().isPresent() && c.saveSteps() == 0,
                            "has no effect with save_steps: 0 (only the final LoRA is saved)")),
            new Rule(Severity.ERROR, "validation_data_dir", List.of("validation_data_dir", "validation_split"),
                    "validation_split above 0 and validation_data_dir exclude each other.",
                    c -> when(c.validationDataDir().isPresent() && c.validationSplit() > 0,
                            "and validation_split (" + c.validationSplit() + ") are both set; use one: remove"
                                    + " validation_data_dir, or set validation_split: 0")),
            new Rule(Severity.ERROR, "validation_every_n_steps",
                    List.of("validation_every_n_steps", "validation_split", "validation_data_dir"),
                    "validation_every_n_steps above 0 needs validation_split above 0 or validation_data_dir.",
                    c -> when(c.validationEveryNSteps() > 0 && !c.hasValidation(),
                            "asks for a validation loss every " + c.validationEveryNSteps() + " steps but nothing"
                                    + " is held out; set validation_split (e.g. 0.1) or validation_data_dir")),
            new Rule(Severity.WARNING, "mixed_precision", List.of("mixed_precision", "device"),
                    "mixed_precision fp16 with device cpu: it trains, but 3-6x slower than fp32 (warning).",
                    c -> when(c.mixedPrecision() == MixedPrecision.FP16 && c.device().equals("cpu"),
                            "fp16 is a GPU feature: on the CPU it trains correctly but 3-6x slower than"
                                    + " mixed_precision: no")),
            new Rule(Severity.WARNING, "mixed_precision", List.of("mixed_precision"),
                    "mixed_precision bf16 is refused when a run starts: DJL 0.36 aborts the JVM on bfloat16 (warning).",
                    c -> when(c.mixedPrecision() == MixedPrecision.BF16,
                            "bf16 is refused when a run starts (DJL 0.36 aborts the JVM on bfloat16 tensors); use"
                                    + " fp16 or no")));

    /** The rule for keys that the config's model type does not read, for the docs. */
    static final String NOT_APPLICABLE_DOC = "A key that the config's model_type does not use (e.g. target_modules"
            + " in an sd15 config) and is not at its default draws a warning.";

    private ConfigRules() {
    }

    private static Optional<String> when(boolean broken, String message) {
        return broken ? Optional.of(message) : Optional.empty();
    }
}
