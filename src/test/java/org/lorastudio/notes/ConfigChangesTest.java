package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    @Test
    void changesAreGroupedBySectionWithTheImportantKeysFirst() {
        String before = """
                name: a
                base_model: m.safetensors
                seed: 1
                epochs: 10
                learning_rate: 2e-4
                lora_rank: 8
                lora_alpha: 8
                flip_aug: false
                resolution: 512
                """;
        String after = """
                name: a
                base_model: m.safetensors
                seed: 2
                epochs: 15
                learning_rate: 1.5e-4
                lora_rank: 16
                lora_alpha: 8.0
                flip_aug: true
                resolution: 768
                my_custom: 1
                """;
        ConfigChanges c = ConfigChanges.between("p", "parent run", before, after);
        assertThat(c.keys()).containsExactly("lora_rank", "learning_rate", "epochs", "seed", "resolution",
                "flip_aug", "my_custom");
        assertThat(c.groups()).extracting(ConfigChanges.Group::title)
                .containsExactly("LoRA", "Optimizer", "Schedule", "Data", "Augmentation", "Other");
        assertThat(c.content()).startsWith("Compared with parent run `p`: 7 keys changed.\n")
                .contains("**LoRA**\n\n- `lora_rank`: `8` → `16`\n")
                .contains("- `learning_rate`: `2e-4` → `1.5e-4`")
                .contains("- `my_custom`: — → `1`")
                .doesNotContain("lora_alpha");
    }

    @Test
    void numbersReadTheSameWhicheverWayTheFileWroteThem() {
        assertThat(ConfigChanges.number("5.0e-4")).isEqualTo("5e-4");
        assertThat(ConfigChanges.number("0.00015")).isEqualTo("1.5e-4");
        assertThat(ConfigChanges.number("1e-3")).isEqualTo("1e-3");
        assertThat(ConfigChanges.number("16.0")).isEqualTo("16");
        assertThat(ConfigChanges.number("0.05")).isEqualTo("0.05");
        assertThat(ConfigChanges.number("-2e-5")).isEqualTo("-2e-5");
        assertThat(ConfigChanges.number(".inf")).isEqualTo(".inf");
    }

    @Test
    void sameConfigAndNoParentReadPlainly() {
        assertThat(ConfigChanges.between("p", "parent run", "a: 1\n", "a: 1.0\n").content())
                .isEqualTo("Compared with parent run `p`: no key changed (a re-run with the same config).\n");
        assertThat(ConfigChanges.none().content()).startsWith("No parent run");
    }
}
