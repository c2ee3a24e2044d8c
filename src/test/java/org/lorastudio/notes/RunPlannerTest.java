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
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;

class RunPlannerTest {
    @TempDir
    Path workspace;

    @Test
    void aForkedRunsNotesShowExactlyTheChangedKeys() throws IOException {
        Path runs = workspace.resolve("runs");
        RunFolder parent = TestRuns.finished(runs, "cyberpunk", TestRuns.config("cyberpunk", 8, "2e-4"), TestRuns.T);
        RunFolder child = RunPlanner.fork(parent, List.of("lora_rank=16", "learning_rate=1.5e-4", "epochs=10",
                "flip_aug=true"), TestRuns.T.plusSeconds(3600));

        assertThat(child.record().parentRunId()).isEqualTo(parent.id().value());
        assertThat(child.record().status()).isEqualTo(RunStatus.PLANNED);
        TrainingConfig config = ConfigLoader.load(child.configText(), "config.yaml", child.dir(), List.of())
                .config();
        assertThat(config.loraRank()).isEqualTo(16);
        assertThat(config.baseModel().resolved()).isEqualTo(workspace.resolve("models/sd15.safetensors"));

        String block = MarkedSection.CONFIG_CHANGES.contentIn(child.notesText()).orElseThrow();
        List<String> changed = block.lines().filter(l -> l.startsWith("- `")).toList();
        assertThat(changed).containsExactly("- `lora_rank`: `8` → `16`", "- `learning_rate`: `2e-4` → `1.5e-4`",
                "- `flip_aug`: `false` → `true`");
        assertThat(block).startsWith("Compared with parent run `" + parent.id() + "`: 3 keys changed.");
        assertThat(child.notesText()).containsSubsequence("## Data", "<!-- data:begin", "could not be read yet",
                "## Config changes", "<!-- config-changes:begin", "## Results");
    }

    @Test
    void withoutAnExplicitParentTheNotesCompareWithThePreviousRunOfTheSameName() throws IOException {
        Path runs = workspace.resolve("runs");
        TestRuns.finished(runs, "other", TestRuns.config("other", 4, "1e-4"), TestRuns.T.minusSeconds(10));
        RunFolder first = TestRuns.finished(runs, "neon", TestRuns.config("neon", 8, "2e-4"), TestRuns.T);
        RunFolder second = RunFolder.create(runs, "neon", "sd15", TestRuns.config("neon", 4, "2e-4"),
                TestRuns.T.plusSeconds(60));
        ConfigChanges c = RunNotes.fillConfigChanges(second);
        assertThat(c.parentId()).isEqualTo(first.id().value());
        assertThat(c.keys()).containsExactly("lora_rank");
        assertThat(second.notesText()).contains("Compared with previous run with the same name `" + first.id());
        assertThat(RunNotes.fillConfigChanges(first).parentId()).isNull();
    }

    @Test
    void forkValidatesTheChangesLikeAConfigFile() throws IOException {
        RunFolder parent = TestRuns.finished(workspace.resolve("runs"), "c", TestRuns.config("c", 8, "2e-4"),
                TestRuns.T);
        assertThatThrownBy(() -> RunPlanner.fork(parent, List.of("lora_rank=0"), TestRuns.T))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--set lora_rank=0: must be");
    }

    @Test
    void aPlanFromNotesCarriesConfigGoalAndData() throws IOException {
        Path plan = workspace.resolve("plan.md");
        Files.writeString(plan, "# Next\n\n## Goal\n\nCheck whether rank 4 is enough.\n\n```yaml\n"
                + "name: small\nbase_model: models/sd15.safetensors\ntrain_data_dir: datasets/neon\nlora_rank: 4\n"
                + "```\n");
        RunFolder run = RunPlanner.fromNotes(plan, workspace.resolve("runs"), List.of(), TestRuns.T);
        assertThat(run.record().status()).isEqualTo(RunStatus.PLANNED);
        assertThat(run.record().name()).isEqualTo("small");
        TrainingConfig c = ConfigLoader.load(run.configText(), "config.yaml", run.dir(), List.of()).config();
        assertThat(c).isEqualTo(MarkdownConfig.load(plan, List.of()).config().with("base_model", c.baseModel())
                .with("train_data_dir", c.trainDataDir()));
        assertThat(c.trainDataDir().resolved()).isEqualTo(workspace.resolve("datasets/neon"));
        assertThat(run.notesText()).containsSubsequence("## Goal", "_Planned from `plan.md`._",
                "Check whether rank 4 is enough.", "## Data", "## Config changes", "No parent run");
    }
}
