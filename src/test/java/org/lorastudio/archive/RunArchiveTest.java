package org.lorastudio.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.notes.RunNotes;
import org.lorastudio.notes.TestRuns;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.UserException;

class RunArchiveTest {
    @TempDir
    Path workspace;

    @Test
    void aFinishedRunProducesACommitWithItsDocumentsAndNoWeights() throws Exception {
        RunArchive.init(workspace, true);
        RunFolder run = finishedRun();

        RunArchive.CommitInfo c = RunArchive.onRunFinished(workspace, run).orElseThrow();

        String p = "runs/" + run.id() + "/";
        assertThat(c.files()).containsExactlyInAnyOrder(p + "config.yaml", p + "notes.md", p + "run.json",
                p + "metrics.jsonl", p + "loss.png", p + "samples/prompts.json", p + "samples/step10-p0.png",
                p + "samples/step10-p1.png", p + "samples/step20-p0.png", p + "samples/step20-p1.png",
                p + "samples/step30-p0.png", p + "samples/step30-p1.png");
        assertThat(c.subject()).isEqualTo("cyberpunk_r16_lr1.5e-4_ep10: completed, 30 steps, final loss "
                + String.format(java.util.Locale.ROOT, "%.3g", run.record().finalMetrics().finalLoss()));
        assertThat(c.message()).contains("Run " + run.id());
        try (Git git = Git.open(workspace.toFile())) {
            List<String> everything = allFiles(git, git.getRepository().parseCommit(
                    git.getRepository().resolve(Constants.HEAD)));
            assertThat(everything).noneMatch(f -> f.endsWith(".safetensors")).noneMatch(f -> f.contains("checkpoints"));
            // ignored, even for someone who adds everything by hand
            git.add().addFilepattern(".").call();
            assertThat(git.status().call().getAdded()).noneMatch(f -> f.endsWith(".safetensors"));
        }
        assertThat(Files.readString(workspace.resolve(".gitignore"))).contains("*.safetensors\n")
                .contains("checkpoints/\n");
    }

    @Test
    void notesEditedLaterAreCommittedAndShowInTheHistory() throws IOException {
        RunArchive.init(workspace, true);
        RunFolder run = finishedRun();
        RunArchive.onRunFinished(workspace, run).orElseThrow();
        assertThat(RunArchive.commit(workspace, run, "unchanged")).isEmpty();

        Files.writeString(run.notesFile(), run.notesText() + "\nOn second look the cat samples over-fit.\n");
        RunArchive.CommitInfo later = RunArchive.commit(workspace, run, "cyberpunk: conclusion").orElseThrow();
        assertThat(later.subject()).isEqualTo("cyberpunk: conclusion");

        List<RunArchive.CommitInfo> history = RunArchive.history(workspace, run);
        assertThat(history).extracting(RunArchive.CommitInfo::subject)
                .containsExactly("cyberpunk: conclusion", history.get(1).subject());
        assertThat(history.get(1).subject()).startsWith("cyberpunk_r16_lr1.5e-4_ep10: completed");
        assertThat(history.get(0).shortId()).hasSize(7);
    }

    @Test
    void autoCommitIsANoOpWhenDisabledOrNotARepository() throws Exception {
        RunFolder run = finishedRun();
        assertThat(RunArchive.onRunFinished(workspace, run)).isEmpty();
        assertThat(workspace.resolve(".git")).doesNotExist();

        RunArchive.init(workspace, false);
        assertThat(RunArchive.onRunFinished(workspace, run)).isEmpty();
        assertThat(RunArchive.history(workspace, run)).isEmpty();
        assertThat(WorkspaceSettings.read(workspace).gitAutoCommit()).isFalse();
    }

    @Test
    void aWorkspaceInsideAnotherRepositoryIsNotThatRepository() throws Exception {
        try (Git outer = Git.init().setDirectory(workspace.toFile()).call()) {
            Path inner = workspace.resolve("workspace");
            new WorkspaceSettings(true).write(inner);
            RunFolder run = TestRuns.finished(inner.resolve("runs"), "x", TestRuns.config("x", 8, "2e-4"),
                    TestRuns.T);
            assertThat(RunArchive.onRunFinished(inner, run)).isEmpty();
            assertThatThrownBy(() -> RunArchive.commit(inner, run, "m")).isInstanceOf(UserException.class)
                    .hasMessageContaining("is not a Git repository; run 'lorastudio runs git init' first");
            assertThat(outer.getRepository().resolve(Constants.HEAD)).isNull();
        }
    }

    @Test
    void initKeepsTheUsersIgnoreLinesAndIsRepeatable() throws IOException {
        Files.writeString(workspace.resolve(".gitignore"), "datasets/private/\n*.bin");
        assertThat(RunArchive.init(workspace, true)).isTrue();
        assertThat(RunArchive.init(workspace, true)).isFalse();
        String ignore = Files.readString(workspace.resolve(".gitignore"));
        assertThat(ignore).startsWith("datasets/private/\n*.bin\n").containsOnlyOnce("*.safetensors")
                .containsOnlyOnce("*.bin");
    }

    @Test
    void settingsRejectUnknownKeys() {
        assertThat(WorkspaceSettings.parse("git:\n  auto_commit: true\n", "s").gitAutoCommit()).isTrue();
        assertThatThrownBy(() -> WorkspaceSettings.parse("git:\n  autocommit: true\n", "s.yaml"))
                .hasMessage("s.yaml: unknown key 'git.autocommit' (known: git.auto_commit)");
        assertThatThrownBy(() -> WorkspaceSettings.parse("git:\n  auto_commit: sometimes\n", "s.yaml"))
                .hasMessageContaining("must be true or false");
    }

    private RunFolder finishedRun() throws IOException {
        RunFolder run = TestRuns.finished(workspace.resolve("runs"), "cyberpunk",
                TestRuns.config("cyberpunk", 16, "1.5e-4"), TestRuns.T);
        RunNotes.onRunEnded(run);
        return run;
    }

    private static List<String> allFiles(Git git, RevCommit c) throws IOException {
        List<String> out = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(git.getRepository())) {
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                out.add(tw.getPathString());
            }
        }
        return out;
    }
}
