package org.lorastudio.ui.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class YamlTextEditorTest {
    private static final String DOC = """
            # My experiment (comment the form does not own)
            name: cyber   # short name
            base_model: ../models/sd15.safetensors
            train_data_dir: data
            my_private_key: 7   # unknown to the studio
            lora_rank: 16

            # --- Sampling
            sample_prompts:
              # the first prompt
              - "neon city"
              - "rainy street"
            sample_steps: 20
            """;

    @Test
    void settingAKeyReplacesOnlyItsValueAndKeepsTheTrailingComment() {
        String out = YamlTextEditor.set(DOC, "name", "cyberpunk");
        assertThat(out).isEqualTo(DOC.replace("name: cyber   # short name", "name: cyberpunk   # short name"));
        assertThat(YamlTextEditor.set(DOC, "lora_rank", "8")).isEqualTo(DOC.replace("lora_rank: 16", "lora_rank: 8"));
    }

    @Test
    void aMissingKeyIsAddedAtTheEndOfItsSection() {
        String out = YamlTextEditor.set(DOC, "lora_alpha", "8");
        assertThat(out).contains("lora_rank: 16\nlora_alpha: 8\n\n# --- Sampling");
        String sampling = YamlTextEditor.set(DOC, "sample_every_n_steps", "100");
        assertThat(sampling).endsWith("sample_steps: 20\nsample_every_n_steps: 100\n");
        String model = YamlTextEditor.set(DOC, "model_type", "sd15");
        assertThat(model).contains("base_model: ../models/sd15.safetensors\nmodel_type: sd15\n");
    }

    @Test
    void unknownKeysCommentsAndBlankLinesSurviveEveryEdit() {
        String out = YamlTextEditor.set(DOC, "lora_rank", "4");
        out = YamlTextEditor.set(out, "epochs", "15");
        out = YamlTextEditor.remove(out, "sample_steps");
        assertThat(out).contains("# My experiment (comment the form does not own)", "my_private_key: 7   # unknown",
                "\n\n# --- Sampling\n", "# the first prompt", "epochs: 15").doesNotContain("sample_steps");
        assertThat(YamlTextEditor.values(out).orElseThrow()).containsEntry("my_private_key", "7");
    }

    @Test
    void blockListsStayBlockListsWithTheirIndentation() {
        String out = YamlTextEditor.setList(DOC, "sample_prompts", List.of("\"a\"", "\"b\"", "\"c\""));
        assertThat(out).contains("sample_prompts:\n  - \"a\"\n  - \"b\"\n  - \"c\"\nsample_steps: 20");
        String flow = YamlTextEditor.setList(DOC, "unet_target_modules", List.of("attentions", "resnets"));
        assertThat(flow).contains("unet_target_modules: [attentions, resnets]");
        assertThat(YamlTextEditor.setList(out, "sample_prompts", List.of())).contains("sample_prompts: []\n"
                + "sample_steps");
    }

    @Test
    void valuesAreReadAsTheFormShowsThem() {
        Map<String, Object> v = YamlTextEditor.values(DOC + "lora_alpha:\nmetadata_path: null\n").orElseThrow();
        assertThat(v).containsEntry("name", "cyber").containsEntry("lora_rank", "16")
                .containsEntry("sample_prompts", List.of("neon city", "rainy street"))
                .containsEntry("lora_alpha", null).containsEntry("metadata_path", null);
        assertThat(YamlTextEditor.values("name: [unclosed")).isEmpty();
    }

    @Test
    void hashesInsideQuotesAreNotComments() {
        String doc = "name: \"a # b\"  # real comment\n";
        assertThat(YamlTextEditor.set(doc, "name", "c")).isEqualTo("name: c  # real comment\n");
        assertThat(YamlTextEditor.commentStart("'x#y' # z")).isEqualTo(6);
    }

    @Test
    void lineEndingsAndAMissingFinalNewlineAreKept() {
        String crlf = "# c\r\nname: a\r\nlora_rank: 4\r\n";
        assertThat(YamlTextEditor.set(crlf, "lora_rank", "8")).isEqualTo("# c\r\nname: a\r\nlora_rank: 8\r\n");
        assertThat(YamlTextEditor.set("name: a", "name", "b")).isEqualTo("name: b");
        assertThat(YamlTextEditor.set("", "name", "b")).isEqualTo("name: b\n");
    }

    @Test
    void aKeyWithAnEmptyValueAndACommentGetsTheValueBeforeTheComment() {
        assertThat(YamlTextEditor.set("lora_alpha:   # = rank\nepochs: 3\n", "lora_alpha", "8"))
                .isEqualTo("lora_alpha: 8  # = rank\nepochs: 3\n");
    }
}
