package org.lorastudio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class SampleIndexTest {
    @TempDir
    Path dir;

    @Test
    void readsTheConventionAndIgnoresOtherFiles() throws IOException {
        SampleIndex.writePrompts(dir, List.of("neon street", "a cat"));
        for (String name : List.of("step100-p1.png", "step100-p0.png", "step20_p0.png", "step0-p0.jpg",
                "step5-p0.txt", "grid.png", "step-p1.png", "notes.txt")) {
            Files.writeString(dir.resolve(name), "x");
        }
        SampleIndex idx = SampleIndex.read(dir);
        assertThat(idx.samples()).extracting(s -> s.file().getFileName().toString())
                .containsExactly("step0-p0.jpg", "step5-p0.txt", "step20_p0.png", "step100-p0.png", "step100-p1.png");
        assertThat(idx.steps()).containsExactly(0L, 5L, 20L, 100L);
        assertThat(idx.promptIndices()).containsExactly(0, 1);
        assertThat(idx.promptText(1)).isEqualTo("a cat");
        assertThat(idx.promptText(7)).isEqualTo("prompt 8");
        assertThat(idx.at(5, 0).orElseThrow().isText()).isTrue();
        assertThat(SampleIndex.fileName(900, 3)).isEqualTo("step900-p3.png");
        assertThat(SampleIndex.read(dir.resolve("missing")).isEmpty()).isTrue();
    }

    @Test
    void gridStepsAreSpreadEvenlyWithFirstAndLast() throws IOException {
        for (int s = 50; s <= 1000; s += 50) {
            Files.writeString(dir.resolve(SampleIndex.fileName(s, 0)), "x");
        }
        assertThat(SampleIndex.read(dir).gridSteps(6)).containsExactly(50L, 250L, 450L, 600L, 800L, 1000L);
    }

    @Test
    void aBrokenPromptIndexIsNamed() throws IOException {
        Files.writeString(dir.resolve(SampleIndex.PROMPTS_FILE), "{\"prompt\": 1}");
        assertThatThrownBy(() -> SampleIndex.read(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("prompts.json has no \"prompts\" list");
    }
}
