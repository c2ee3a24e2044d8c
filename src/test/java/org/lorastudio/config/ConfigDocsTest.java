package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigDocsTest {
    @Test
    void committedReferenceMatchesTheDescriptors() throws IOException {
        String committed = Files.readString(Path.of("docs/config.md"));
        assertThat(committed)
                .as("docs/config.md is out of date: regenerate it with 'lorastudio config keys --markdown'")
                .isEqualTo(ConfigDocs.markdown());
    }

    @Test
    void markdownHasARowPerKeyAndTheCrossFieldRules() {
        String md = ConfigDocs.markdown();
        for (ConfigField f : ConfigFields.all()) {
            assertThat(md).contains("| `" + f.key() + "` | ");
        }
        for (ConfigRules.Rule rule : ConfigRules.ALL) {
            assertThat(md).contains(rule.doc());
        }
        assertThat(md).contains("| `lora_rank` | an integer 1..1024 | `8` |")
                .contains("| `output_dir` | a file or folder path | `<workspace>/runs` |")
                .contains("read from &lt;image&gt;.txt next to it");
    }
}
