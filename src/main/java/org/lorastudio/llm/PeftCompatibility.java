package org.lorastudio.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.util.TextFiles;
import org.lorastudio.util.UserException;

/**
 * Which PEFT releases load an {@code adapter_config.json}, judged by its keys. peft's
 * {@code PeftConfig.from_pretrained} passes every key to {@code LoraConfig(**keys)}: before 0.14.0 a key the
 * dataclass does not declare fails the load ("unexpected keyword argument"), from 0.14.0 such keys are dropped with
 * a warning ({@code PeftConfigMixin.from_peft_type} in peft's {@code src/peft/config.py}). The field lists were read
 * from the release tags of huggingface/peft.
 */
public final class PeftCompatibility {
    /**
     * The fields of {@code LoraConfig}, {@code PeftConfig} and {@code PeftConfigMixin} in PEFT 0.8.0 to 0.8.2, the
     * oldest releases LoRA Studio writes for ({@code use_rslora} is new in 0.8.0). The test resource
     * {@code peft/peft-0.8.2-loraconfig-fields.txt} holds the list as read from tag v0.8.2.
     */
    static final Set<String> KEYS_0_8 = Set.of("alpha_pattern", "auto_mapping", "base_model_name_or_path", "bias",
            "fan_in_fan_out", "inference_mode", "init_lora_weights", "layers_pattern", "layers_to_transform",
            "loftq_config", "lora_alpha", "lora_dropout", "megatron_config", "megatron_core", "modules_to_save",
            "peft_type", "r", "rank_pattern", "revision", "target_modules", "task_type", "use_rslora");

    /** LoraConfig fields added after 0.8 up to 0.14.0, with the release that added them. */
    private static final Map<String, Release> ADDED = Map.of("use_dora", Release.V0_9_0,
            "layer_replication", Release.V0_10_0, "runtime_config", Release.V0_12_0,
            "eva_config", Release.V0_14_0, "exclude_modules", Release.V0_14_0, "lora_bias", Release.V0_14_0);

    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftCompatibility() {
    }

    /** The PEFT releases where what a LoraConfig accepts changed, oldest first. */
    public enum Release {
        V0_8_0("0.8.0"), V0_9_0("0.9.0"), V0_10_0("0.10.0"), V0_12_0("0.12.0"),
        /** The first release that skips keys it does not know instead of failing. */
        V0_14_0("0.14.0");

        private final String version;

        Release(String version) {
            this.version = version;
        }

        public String version() {
            return version;
        }
    }

    /**
     * @param needed    the oldest release that loads the file
     * @param newerKeys the file's keys that PEFT 0.8 rejects, sorted
     */
    public record Verdict(Release needed, List<String> newerKeys) {
        public Verdict {
            newerKeys = List.copyOf(newerKeys);
        }

        /** One line for people: {@code loads in PEFT 0.9.0 and newer (PEFT 0.8 rejects use_dora [0.9.0])}. */
        public String describe() {
            String line = "loads in PEFT " + needed.version() + " and newer";
            if (newerKeys.isEmpty()) {
                return line;
            }
            List<String> parts = new ArrayList<>();
            for (String k : newerKeys) {
                Release r = ADDED.get(k);
                parts.add(k + (r != null ? " [" + r.version() + "]" : " [unknown before 0.14.0, skipped there]"));
            }
            return line + " (PEFT 0.8 rejects " + String.join(", ", parts) + ")";
        }
    }

    /** The verdict for a file with these top-level keys. */
    public static Verdict of(Collection<String> keys) {
        Release needed = Release.V0_8_0;
        Set<String> newer = new TreeSet<>();
        for (String k : keys) {
            if (KEYS_0_8.contains(k)) {
                continue;
            }
            newer.add(k);
            Release r = ADDED.getOrDefault(k, Release.V0_14_0);
            if (r.compareTo(needed) > 0) {
                needed = r;
            }
        }
        return new Verdict(needed, List.copyOf(newer));
    }

    /** The verdict for an {@code adapter_config.json} on disk. */
    public static Verdict of(Path adapterConfig) {
        JsonNode root;
        try {
            root = JSON.readTree(TextFiles.readUtf8(adapterConfig));
        } catch (JacksonException e) {
            throw new UserException(adapterConfig.getFileName() + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + adapterConfig, e);
        }
        if (root == null || !root.isObject()) {
            throw new UserException(adapterConfig.getFileName() + " must hold a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        List<String> keys = new ArrayList<>();
        root.fieldNames().forEachRemaining(keys::add);
        return of(keys);
    }
}
