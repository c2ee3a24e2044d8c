package org.lorastudio.train.sd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.TagCount;
import org.lorastudio.dataset.Tags;
import org.lorastudio.train.Buckets;

/**
 * The {@code ss_*} training metadata kohya's sd-scripts writes into a LoRA (FORMATS §4.1), so A1111 / Forge /
 * ComfyUI show it like any other LoRA. Values are strings; booleans "True"/"False", absent values "None", JSON
 * values as JSON text. The run-specific keys (times, steps, epoch, hashes, run id) are added by the trainer.
 */
final class KohyaMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KohyaMetadata() {
    }

    static Map<String, String> of(TrainingConfig c, Dataset dataset, int trainImages, Buckets buckets) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ss_network_module", "networks.lora");
        m.put("ss_network_dim", Integer.toString(c.loraRank()));
        m.put("ss_network_alpha", number(c.effectiveLoraAlpha()));
        m.put("ss_network_args", c.unetTargetModules().contains("resnets")
                ? json(Map.of("conv_dim", Integer.toString(c.loraRank()), "conv_alpha", number(c.effectiveLoraAlpha())))
                : "{}");
        m.put("ss_base_model_version", c.predictionType() == org.lorastudio.config.PredictionType.V_PREDICTION
                ? "sd_v1_v" : "sd_v1");
        m.put("ss_v2", "False");
        m.put("ss_sd_model_name", c.baseModel().resolved().getFileName().toString());
        m.put("ss_learning_rate", number(c.learningRate()));
        m.put("ss_unet_lr", number(c.effectiveUnetLr()));
        m.put("ss_text_encoder_lr", c.trainsTextEncoder() ? number(c.effectiveTextEncoderLr()) : "None");
        m.put("ss_optimizer", c.optimizer().yamlName());
        m.put("ss_lr_scheduler", c.lrScheduler().yamlName());
        m.put("ss_lr_warmup_steps", Integer.toString(c.lrWarmupSteps()));
        m.put("ss_max_grad_norm", number(c.maxGradNorm()));
        m.put("ss_num_train_images", Integer.toString(trainImages));
        m.put("ss_num_reg_images", "0");
        m.put("ss_num_epochs", Integer.toString(c.epochs()));
        m.put("ss_max_train_steps", c.maxTrainSteps().map(String::valueOf).orElse("None"));
        m.put("ss_batch_size_per_device", Integer.toString(c.batchSize()));
        m.put("ss_total_batch_size", Integer.toString(c.effectiveBatchSize()));
        m.put("ss_gradient_accumulation_steps", Integer.toString(c.gradientAccumulationSteps()));
        m.put("ss_gradient_checkpointing", bool(c.gradientCheckpointing()));
        m.put("ss_resolution", "(" + c.resolution() + ", " + c.resolution() + ")");
        m.put("ss_enable_bucket", bool(c.enableBucket()));
        m.put("ss_min_bucket_reso", Integer.toString(buckets.all().stream().mapToInt(b -> Math.min(b.width(),
                b.height())).min().orElse(c.resolution())));
        m.put("ss_max_bucket_reso", Integer.toString(buckets.all().stream().mapToInt(b -> Math.max(b.width(),
                b.height())).max().orElse(c.resolution())));
        m.put("ss_bucket_no_upscale", "False");
        m.put("ss_clip_skip", Integer.toString(c.clipSkip()));
        m.put("ss_max_token_length", "None");
        m.put("ss_cache_latents", bool(c.cacheLatents()));
        m.put("ss_mixed_precision", c.mixedPrecision().yamlName());
        m.put("ss_full_fp16", "False");
        m.put("ss_noise_offset", c.noiseOffset() == 0 ? "None" : number(c.noiseOffset()));
        m.put("ss_min_snr_gamma", c.minSnrGamma().map(KohyaMetadata::number).orElse("None"));
        m.put("ss_flip_aug", bool(c.flipAug()));
        m.put("ss_color_aug", "False");
        m.put("ss_random_crop", "False");
        m.put("ss_shuffle_caption", bool(c.shuffleCaption()));
        m.put("ss_keep_tokens", Integer.toString(c.keepTokens()));
        m.put("ss_caption_dropout_rate", number(c.captionDropoutRate()));
        m.put("ss_caption_tag_dropout_rate", number(c.captionTagDropoutRate()));
        m.put("ss_seed", Integer.toString(c.seed()));
        m.put("ss_output_name", c.semanticName());
        String dir = dataset.root().getFileName().toString();
        Map<String, Integer> freq = new TreeMap<>();
        List<String> captions = dataset.items().stream().map(DatasetItem::captionOrEmpty).toList();
        for (TagCount tc : Tags.frequencies(captions)) {
            freq.put(tc.tag(), tc.count());
        }
        m.put("ss_tag_frequency", json(Map.of(dir, freq)));
        m.put("ss_dataset_dirs", json(Map.of(dir, Map.of("n_repeats", dataset.items().isEmpty() ? 1
                : dataset.items().get(0).repeats(), "img_count", dataset.items().size()))));
        m.put("modelspec.sai_model_spec", "1.0.0");
        m.put("modelspec.architecture", "stable-diffusion-v1/lora");
        m.put("modelspec.implementation", "diffusers");
        m.put("modelspec.title", c.semanticName());
        m.put("modelspec.resolution", c.resolution() + "x" + c.resolution());
        m.put("modelspec.prediction_type", c.predictionType().yamlName());
        return m;
    }

    /** A number as Python's {@code str(float)} writes it (kohya stores {@code str(value)}): 16.0, 0.00015, 1e-05. */
    static String number(double v) {
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v));
        double a = Math.abs(v);
        if (v == 0 || (a >= 1e-4 && a < 1e16)) {
            String plain = d.stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = d.unscaledValue().abs().toString().replaceAll("0+$", "");
        int exp = d.precision() - d.scale() - 1;
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
