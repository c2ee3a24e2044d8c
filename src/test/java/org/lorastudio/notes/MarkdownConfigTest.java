package org.lorastudio.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigException;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.util.UserException;

class MarkdownConfigTest {
    static final String YAML = """
            name: cyberpunk
            base_model: ../models/sd15.safetensors
            train_data_dir: datasets/neon
            lora_rank: 16
            lora_alpha: 8
            learning_rate: 1.5e-4
            unet_target_modules: [attentions, resnets]
            sample_prompts:
              - neon street at night
              - "a cat: cyberpunk"
            max_train_steps: 900
            """;

    @TempDir
    Path dir;

    @Test
    void aYamlBlockRoundTripsIntoAnEqualConfig() throws IOException {
        String md = "# Plan\n\n## Goal\n\nTry rank 16.\n\n```python\nprint('not this')\n```\n\n```yaml\n" + YAML
                + "```\n\n```yaml\nname: second\n```\n";
        Path notes = dir.resolve("plan.md");
        Files.writeString(notes, md);
        Path yaml = dir.resolve("same.yaml");
        Files.writeString(yaml, YAML);

        TrainingConfig fromMarkdown = MarkdownConfig.load(notes, List.of()).config();
        assertThat(fromMarkdown).isEqualTo(TrainingConfig.fromYaml(yaml));
        assertThat(fromMarkdown.loraRank()).isEqualTo(16);
        assertThat(fromMarkdown.samplePrompts()).containsExactly("neon street at night", "a cat: cyberpunk");
        MarkdownConfig.YamlBlock block = MarkdownConfig.find(md, "plan.md").orElseThrow();
        assertThat(block.text()).isEqualTo(YAML);
        assertThat(block.firstLine()).isEqualTo(12);
    }

    @Test
    void problemsHaveTheSameMessagesWithLinesOfTheMarkdownFile() {
        String bad = "lora_rank: 0\nlearnig_rate: 1e-4\n";
        String md = "# Plan\n\nSome text.\n\n```yaml\n" + bad + "```\n";
        ConfigReport fromMd = MarkdownConfig.check(md, "plan.md", dir, List.of());
        ConfigReport fromYaml = ConfigLoader.check(bad, "plan.md", dir, List.of());
        assertThat(fromMd.errors()).hasSameSizeAs(fromYaml.errors()).isNotEmpty();
        for (int i = 0; i < fromMd.errors().size(); i++) {
            var m = fromMd.errors().get(i);
            var y = fromYaml.errors().get(i);
            assertThat(m.message()).isEqualTo(y.message());
            assertThat(m.line()).isEqualTo(y.line() == 0 ? 0 : y.line() + 5);
        }
        assertThat(fromMd.errors()).anySatisfy(p -> assertThat(p.text()).startsWith("lora_rank:").endsWith("(line 6)"))
                .anySatisfy(p -> assertThat(p.text()).contains("did you mean `learning_rate`").endsWith("(line 7)"));
    }

    @Test
    void syntaxErrorsPointAtTheMarkdownLine() {
        String md = "intro\n\n  ```yml\n  name: [unclosed\n  ```\n";
        ConfigReport r = MarkdownConfig.check(md, "n.md", dir, List.of());
        assertThat(r.errors()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("YAML syntax error");
            assertThat(p.line()).isBetween(4, 5);
        });
    }

    @Test
    void aDocumentWithoutABlockOrWithAnOpenBlockIsOneClearLine() throws IOException {
        assertThatThrownBy(() -> MarkdownConfig.check("# just text\n", "n.md", dir, List.of()))
                .isInstanceOf(UserException.class).hasMessage("n.md has no ```yaml block; put the config between a"
                        + " line ```yaml and a line ```");
        assertThatThrownBy(() -> MarkdownConfig.find("a\n```yaml\nname: x\n", "n.md"))
                .hasMessageContaining("block starting at line 2 is never closed");
        Path f = dir.resolve("bad.md");
        Files.writeString(f, "```yaml\nlora_rank: 0\n```\n");
        assertThatThrownBy(() -> MarkdownConfig.load(f, List.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.md: lora_rank:").hasMessageContaining("(line 2)");
    }

    @Test
    void overridesApplyOnTop() throws IOException {
        Path f = dir.resolve("p.md");
        Files.writeString(f, "```yaml\n" + YAML + "```\n");
        assertThat(MarkdownConfig.load(f, List.of("lora_rank=4")).config().loraRank()).isEqualTo(4);
    }
}
