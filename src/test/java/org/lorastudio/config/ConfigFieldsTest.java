package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConfigFieldsTest {
    /** Every key of SPEC §4 plus the two the LoRA writer needs, as listed in the issue. */
    private static final List<String> SPEC_KEYS = List.of("name", "model_type", "base_model", "train_data_dir",
            "metadata_path", "output_dir", "resolution", "enable_bucket", "lora_rank", "lora_alpha", "lora_dropout",
            "unet_target_modules", "text_encoder_target_modules", "target_modules", "batch_size",
            "gradient_accumulation_steps", "epochs", "max_train_steps", "learning_rate", "unet_lr", "text_encoder_lr",
            "lr_scheduler", "lr_warmup_steps", "optimizer", "weight_decay", "adam_beta1", "adam_beta2",
            "adam_epsilon", "max_grad_norm", "mixed_precision", "gradient_checkpointing", "device", "seed",
            "save_steps", "save_last_n", "sample_every_n_steps", "sample_prompts", "sample_steps", "sample_sampler",
            "sample_seed", "sample_guidance", "sample_negative_prompt", "noise_offset", "min_snr_gamma",
            "prediction_type", "clip_skip", "shuffle_caption", "keep_tokens", "caption_dropout_rate",
            "caption_tag_dropout_rate", "flip_aug", "cache_latents", "max_seq_length", "prompt_template",
            "train_on_inputs", "save_precision", "save_format",
            // issue 16: validation loss
            "validation_split", "validation_data_dir", "validation_every_n_steps");

    @Test
    void everySpecKeyHasADescriptorAndThereAreNoOthers() {
        assertThat(ConfigFields.all()).extracting(ConfigField::key).containsExactlyInAnyOrderElementsOf(SPEC_KEYS);
    }

    @Test
    void recordComponentsMatchDescriptorsOneToOneInOrderAndType() {
        RecordComponent[] components = TrainingConfig.class.getRecordComponents();

        assertThat(Arrays.stream(components).map(RecordComponent::getName).toList())
                .containsExactlyElementsOf(ConfigFields.all().stream().map(ConfigField::javaName).toList());
        for (int i = 0; i < components.length; i++) {
            ConfigField f = ConfigFields.all().get(i);
            assertThat(components[i].getType()).as(f.key()).isEqualTo(ConfigRecords.componentType(f));
        }
    }

    @Test
    void fieldsAreGroupedBySectionInSectionOrder() {
        List<Section> sections = ConfigFields.all().stream().map(ConfigField::section).toList();
        assertThat(sections).isSortedAccordingTo(Enum::compareTo);
        assertThat(Set.copyOf(sections)).containsExactlyInAnyOrder(Section.values());
    }

    @Test
    void defaultsPassTheirOwnChecks() {
        for (ConfigField f : ConfigFields.all()) {
            if (f.defaultValue() != null) {
                assertThat(f.type().check(f.defaultValue())).as(f.key()).isEmpty();
            }
        }
    }

    @Test
    void specDefaultsAreTheDocumentedOnes() {
        assertThat(ConfigFields.get("lora_rank").defaultValue()).isEqualTo(8);
        assertThat(ConfigFields.get("learning_rate").defaultValue()).isEqualTo(2e-4);
        assertThat(ConfigFields.get("resolution").defaultValue()).isEqualTo(512);
        assertThat(ConfigFields.get("sample_guidance").defaultValue()).isEqualTo(7.5);
        assertThat(ConfigFields.get("sample_seed").defaultValue()).isEqualTo(1234);
        assertThat(ConfigFields.get("weight_decay").defaultValue()).isEqualTo(0.01);
        assertThat(ConfigFields.get("sample_negative_prompt").defaultValue()).isEqualTo("");
        assertThat(ConfigFields.get("output_dir").defaultText()).isEqualTo("<workspace>/runs");
        assertThat(ConfigFields.get("lora_alpha").defaultText()).isEqualTo("= lora_rank");
        assertThat(ConfigFields.all()).filteredOn(ConfigField::required).extracting(ConfigField::key)
                .containsExactly("name", "base_model", "train_data_dir");
    }

    @Test
    void everyFieldIsDescribedAndRequiredOnesHaveAnExample() {
        for (ConfigField f : ConfigFields.all()) {
            assertThat(f.description()).as(f.key()).isNotBlank().endsWith(".");
            assertThat(f.appliesTo()).as(f.key()).isNotEmpty();
            if (!f.optional()) {
                assertThat(f.example()).as(f.key()).isNotBlank();
            }
        }
        assertThat(ConfigFields.get("lora_rank").hintText()).hasValueSatisfying(h -> assertThat(h).contains("4-16"));
        assertThat(ConfigFields.get("learning_rate").hintText())
                .hasValueSatisfying(h -> assertThat(h).contains("1e-4 to 3e-4"));
    }

    @Test
    void aliasesAreUniqueAndNeverAKey() {
        Set<String> keys = new HashSet<>(ConfigFields.all().stream().map(ConfigField::key).toList());
        Set<String> seen = new HashSet<>();
        for (ConfigField f : ConfigFields.all()) {
            for (String alias : f.aliases()) {
                assertThat(keys).as(alias).doesNotContain(alias);
                assertThat(seen.add(alias)).as("alias " + alias + " used twice").isTrue();
            }
        }
    }

    @Test
    void suggestionsFindTyposAliasesAndNothingForNonsense() {
        assertThat(ConfigFields.suggest("learning_rat")).contains("learning_rate");
        assertThat(ConfigFields.suggest("lr_schedular")).contains("lr_scheduler");
        assertThat(ConfigFields.suggest("network_alpha")).contains("lora_alpha");
        assertThat(ConfigFields.suggest("EPOCHS")).contains("epochs");
        assertThat(ConfigFields.suggest("colour")).isEmpty();
        assertThat(ConfigFields.suggest("x")).isEmpty();
        assertThat(ConfigFields.suggest("completely_unrelated_thing")).isEmpty();
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndReplacements() {
        assertThat(ConfigFields.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(ConfigFields.editDistance("", "abc")).isEqualTo(3);
        assertThat(ConfigFields.editDistance("same", "same")).isZero();
    }

    @Test
    void javaNamesAreCamelCase() {
        assertThat(ConfigFields.get("sample_every_n_steps").javaName()).isEqualTo("sampleEveryNSteps");
        assertThat(ConfigFields.get("adam_beta1").javaName()).isEqualTo("adamBeta1");
    }
}
