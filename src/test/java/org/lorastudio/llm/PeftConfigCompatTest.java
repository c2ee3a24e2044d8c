package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;
import org.lorastudio.testing.Fixtures;

/**
 * adapter_config.json must load in every PEFT from 0.8.0 on: PEFT before 0.14.0 fails on any key its LoraConfig
 * does not declare. The accepted keys are the field list read from PEFT's tag v0.8.2
 * ({@code src/test/resources/peft/peft-0.8.2-loraconfig-fields.txt}).
 */
class PeftConfigCompatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(PeftConfigCompatTest.class.getResource("/peft/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Set<String> peft082Fields() throws IOException {
        Set<String> fields = new TreeSet<>();
        for (String line : Files.readAllLines(resource("peft-0.8.2-loraconfig-fields.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                fields.add(line.strip());
            }
        }
        return fields;
    }

    static List<String> keys(Path adapterConfig) throws IOException {
        List<String> keys = new ArrayList<>();
        JSON.readTree(adapterConfig.toFile()).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Writes an adapter for llama-tiny-a the way a training run does: PeftConfig.of, PeftAdapter.create, write. */
    Path writeAdapter(PeftConfig config) throws IOException {
        Path folder = tmp.resolve("adapter");
        try (NDManager m = NDManager.newBaseManager()) {
            LlamaForCausalLM model = LlamaForCausalLM.fromPretrained(Fixtures.path("llama-tiny-a"), m);
            LoraNetwork net = PeftAdapter.create(model, config, m, new Random(0));
            PeftAdapter.write(net, folder, config);
        }
        return folder.resolve(PeftAdapter.CONFIG);
    }

    @Test
    void fieldListIsPeft08sAndTheCodeUsesTheSameOne() throws IOException {
        Set<String> fields = peft082Fields();
        assertThat(fields).hasSize(22).contains("r", "lora_alpha", "target_modules", "use_rslora", "peft_type")
                .doesNotContain("use_dora", "exclude_modules");
        assertThat(new TreeSet<>(PeftCompatibility.KEYS_0_8)).isEqualTo(fields);
    }

    @Test
    void defaultAdapterConfigHasOnlyKeysPeft082Accepts() throws IOException {
        TrainingConfig defaults = TrainingConfig.minimal("compat", Path.of("base"), Path.of("data"));
        PeftConfig config = PeftConfig.of(defaults, "llama-tiny-a");
        Path file = writeAdapter(config);

        assertThat(keys(file)).isSubsetOf(peft082Fields()).doesNotContain("use_dora", "exclude_modules")
                .contains("peft_type", "r", "lora_alpha", "target_modules", "task_type", "use_rslora");
        assertThat(PeftConfig.read(file)).isEqualTo(config);
        PeftCompatibility.Verdict verdict = PeftCompatibility.of(file);
        assertThat(verdict.needed()).isEqualTo(PeftCompatibility.Release.V0_8_0);
        assertThat(verdict.describe()).isEqualTo("loads in PEFT 0.8.0 and newer");
        assertThat(config.peftCompatibility()).isEqualTo(verdict);
    }

    @Test
    void rsloraAndRegexTargetsStayWithinPeft082() throws IOException {
        PeftConfig config = new PeftConfig(4, 8, List.of(), Optional.of(".*\\.(q|v)_proj"), 0.1, true, "CAUSAL_LM",
                Optional.empty());
        Path file = writeAdapter(config);

        assertThat(keys(file)).isSubsetOf(peft082Fields());
        assertThat(Files.readString(file)).contains("\"use_rslora\" : true",
                "\"target_modules\" : \".*\\\\.(q|v)_proj\"");
        assertThat(PeftConfig.read(file)).isEqualTo(config);
        assertThat(config.peftCompatibility().needed()).isEqualTo(PeftCompatibility.Release.V0_8_0);
    }

    @Test
    void peftsOwn082FileLoadsFrom080() throws IOException {
        Path file = Fixtures.path("llama-tiny-a/adapter/" + PeftAdapter.CONFIG);
        assertThat(keys(file)).isSubsetOf(peft082Fields());
        assertThat(PeftCompatibility.of(file).describe()).isEqualTo("loads in PEFT 0.8.0 and newer");
    }

    @Test
    void olderLoraStudioFileWithNewerKeysStillReadsAndIsRewrittenFor08() throws IOException {
        Path old = resource("lorastudio-before-peft08-fix-adapter_config.json");
        PeftConfig config = PeftConfig.read(old);
        assertThat(config).isEqualTo(new PeftConfig(4, 8, List.of("q_proj", "v_proj"), Optional.empty(), 0, false,
                "CAUSAL_LM", Optional.of("llama-tiny-a")));

        PeftCompatibility.Verdict verdict = PeftCompatibility.of(old);
        assertThat(verdict.needed()).isEqualTo(PeftCompatibility.Release.V0_14_0);
        assertThat(verdict.newerKeys()).containsExactly("exclude_modules", "use_dora");
        assertThat(verdict.describe()).isEqualTo("loads in PEFT 0.14.0 and newer (PEFT 0.8 rejects exclude_modules"
                + " [0.14.0], use_dora [0.9.0])");

        Path rewritten = writeAdapter(config);
        assertThat(keys(rewritten)).isSubsetOf(peft082Fields());
        assertThat(PeftCompatibility.of(rewritten).needed()).isEqualTo(PeftCompatibility.Release.V0_8_0);
    }

    @Test
    void eachNewerKeyNamesTheReleaseThatAddedIt() {
        List<String> plain = List.copyOf(PeftCompatibility.KEYS_0_8);
        assertThat(verdict(plain, "use_dora").needed()).isEqualTo(PeftCompatibility.Release.V0_9_0);
        assertThat(verdict(plain, "use_dora").describe())
                .isEqualTo("loads in PEFT 0.9.0 and newer (PEFT 0.8 rejects use_dora [0.9.0])");
        assertThat(verdict(plain, "layer_replication").needed()).isEqualTo(PeftCompatibility.Release.V0_10_0);
        assertThat(verdict(plain, "runtime_config").needed()).isEqualTo(PeftCompatibility.Release.V0_12_0);
        assertThat(verdict(plain, "lora_bias").needed()).isEqualTo(PeftCompatibility.Release.V0_14_0);
        assertThat(verdict(plain, "use_dora", "runtime_config").newerKeys())
                .containsExactly("runtime_config", "use_dora");
        PeftCompatibility.Verdict unknown = verdict(plain, "corda_config");
        assertThat(unknown.needed()).as("from 0.14.0 PEFT skips keys it lacks")
                .isEqualTo(PeftCompatibility.Release.V0_14_0);
        assertThat(unknown.describe()).contains("corda_config [unknown before 0.14.0, skipped there]");
    }

    private static PeftCompatibility.Verdict verdict(List<String> base, String... extra) {
        List<String> keys = new ArrayList<>(base);
        keys.addAll(List.of(extra));
        return PeftCompatibility.of(keys);
    }
}
