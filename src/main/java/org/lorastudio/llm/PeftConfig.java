package org.lorastudio.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.util.UserException;
import org.lorastudio.util.TextFiles;

/**
 * The fields of peft's {@code LoraConfig} ({@code adapter_config.json}, FORMATS §4.2) that LoRA Studio reads and
 * writes. Options that change the adapter's math in ways not implemented here ({@code use_dora}, per-module
 * {@code rank_pattern}/{@code alpha_pattern}, {@code fan_in_fan_out}, trained biases, {@code modules_to_save},
 * {@code layers_to_transform}) are refused with one message naming every such field.
 *
 * @param targetModules module names (a path equal to, or ending with {@code "." + name}); empty when
 *                      {@code targetRegex} is used
 * @param targetRegex   peft's single-string form: a regular expression that must match the whole module path
 */
public record PeftConfig(int r, double loraAlpha, List<String> targetModules, Optional<String> targetRegex,
                         double loraDropout, boolean useRslora, String taskType,
                         Optional<String> baseModelNameOrPath) {
    /** peft's default for Llama-family models. */
    public static final List<String> DEFAULT_TARGETS = List.of("q_proj", "v_proj");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public PeftConfig {
        targetModules = List.copyOf(targetModules);
        if (r < 1) {
            throw new UserException("LoRA rank r must be >= 1, found " + r);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new UserException("lora_dropout must be in [0, 1), found " + loraDropout);
        }
        if (targetModules.isEmpty() && targetRegex.isEmpty()) {
            throw new UserException("target_modules is empty; name at least one Linear layer, e.g. [q_proj, v_proj]");
        }
    }

    /** The factor on the LoRA path: lora_alpha / r, or lora_alpha / √r with {@code use_rslora}. */
    public double scale() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    /** The adapter a training config asks for ({@code lora_rank}, {@code lora_alpha}, {@code target_modules}, …). */
    public static PeftConfig of(TrainingConfig config, String baseModelNameOrPath) {
        List<String> targets = config.targetModules().isEmpty() ? DEFAULT_TARGETS : config.targetModules();
        return new PeftConfig(config.loraRank(), config.effectiveLoraAlpha(), targets, Optional.empty(),
                config.loraDropout(), false, "CAUSAL_LM", Optional.ofNullable(baseModelNameOrPath));
    }

    /** Reads {@code adapter_config.json} (the file or the folder holding it). */
    public static PeftConfig read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("adapter_config.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new UserException(file + " is missing — a PEFT adapter folder has adapter_config.json and"
                    + " adapter_model.safetensors.");
        }
        JsonNode root;
        try {
            root = JSON.readTree(TextFiles.readUtf8(file));
        } catch (JacksonException e) {
            throw new UserException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
        return fromJson(root, file.toString());
    }

    static PeftConfig fromJson(JsonNode root, String source) {
        List<String> problems = new ArrayList<>();
        String type = root.path("peft_type").asText("LORA");
        if (!"LORA".equals(type)) {
            problems.add("peft_type is " + type + " (only LORA adapters are supported)");
        }
        refuseIf(problems, root.path("use_dora").asBoolean(false), "use_dora: true (DoRA)");
        refuseIf(problems, root.path("fan_in_fan_out").asBoolean(false), "fan_in_fan_out: true (GPT-2 Conv1D layers)");
        String bias = root.path("bias").asText("none");
        refuseIf(problems, !"none".equals(bias), "bias: " + bias + " (trained biases)");
        refuseIf(problems, nonEmpty(root.get("modules_to_save")), "modules_to_save " + root.get("modules_to_save"));
        refuseIf(problems, nonEmpty(root.get("layers_to_transform")),
                "layers_to_transform " + root.get("layers_to_transform"));
        refuseIf(problems, nonEmpty(root.get("rank_pattern")), "rank_pattern " + root.get("rank_pattern"));
        refuseIf(problems, nonEmpty(root.get("alpha_pattern")), "alpha_pattern " + root.get("alpha_pattern"));
        refuseIf(problems, nonEmpty(root.get("exclude_modules")), "exclude_modules " + root.get("exclude_modules"));
        JsonNode tm = root.get("target_modules");
        List<String> targets = new ArrayList<>();
        Optional<String> regex = Optional.empty();
        if (tm == null || tm.isNull()) {
            targets.addAll(DEFAULT_TARGETS);
        } else if (tm.isTextual()) {
            regex = Optional.of(tm.asText());
        } else if (tm.isArray()) {
            tm.forEach(n -> targets.add(n.asText()));
        } else {
            problems.add("target_modules must be a list of names or a regex string, found " + tm);
        }
        if (!problems.isEmpty()) {
            throw new UserException(source + ": unsupported PEFT options: " + String.join("; ", problems)
                    + ". LoRA Studio reads plain LoRA adapters (r, lora_alpha, target_modules, lora_dropout,"
                    + " use_rslora).");
        }
        JsonNode base = root.get("base_model_name_or_path");
        try {
            return new PeftConfig(root.path("r").asInt(8), root.path("lora_alpha").asDouble(8),
                    targets, regex, root.path("lora_dropout").asDouble(0), root.path("use_rslora").asBoolean(false),
                    root.path("task_type").asText("CAUSAL_LM"),
                    base == null || base.isNull() ? Optional.empty() : Optional.of(base.asText()));
        } catch (UserException e) {
            throw new UserException(source + ": " + e.getMessage(), e);
        }
    }

    private static boolean nonEmpty(JsonNode n) {
        return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty());
    }

    private static void refuseIf(List<String> problems, boolean condition, String what) {
        if (condition) {
            problems.add(what);
        }
    }

    /**
     * {@code adapter_config.json} as peft writes it (keys sorted, advanced options at their neutral values), with
     * only the keys PEFT 0.8's LoraConfig declares, so that every PEFT from 0.8.0 on loads it: PEFT before 0.14.0
     * fails on a key it does not know, even at its neutral value. A key from a later release belongs here only
     * with the feature that needs it (DoRA's {@code use_dora} needs 0.9.0, {@code exclude_modules} 0.14.0; both
     * features are refused by {@link #read}), and {@link #peftCompatibility()} then names that release.
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(toTree(), java.util.TreeMap.class)) + "\n";
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Which PEFT releases load the file {@link #toJson} writes. */
    public PeftCompatibility.Verdict peftCompatibility() {
        List<String> keys = new ArrayList<>();
        toTree().fieldNames().forEachRemaining(keys::add);
        return PeftCompatibility.of(keys);
    }

    private ObjectNode toTree() {
        ObjectNode o = JSON.createObjectNode();
        o.putObject("alpha_pattern");
        o.putNull("auto_mapping");
        baseModelNameOrPath.ifPresentOrElse(b -> o.put("base_model_name_or_path", b),
                () -> o.putNull("base_model_name_or_path"));
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("init_lora_weights", true);
        o.putNull("layers_pattern");
        o.putNull("layers_to_transform");
        o.putObject("loftq_config");
        if (loraAlpha == Math.rint(loraAlpha)) {
            o.put("lora_alpha", (long) loraAlpha);
        } else {
            o.put("lora_alpha", loraAlpha);
        }
        o.put("lora_dropout", loraDropout);
        o.putNull("modules_to_save");
        o.put("peft_type", "LORA");
        o.put("r", r);
        o.putObject("rank_pattern");
        o.putNull("revision");
        if (targetRegex.isPresent()) {
            o.put("target_modules", targetRegex.get());
        } else {
            targetModules.forEach(o.putArray("target_modules")::add);
        }
        o.put("task_type", taskType);
        o.put("use_rslora", useRslora);
        return o;
    }
}
