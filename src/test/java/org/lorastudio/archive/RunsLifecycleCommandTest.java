package org.lorastudio.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;
import org.lorastudio.notes.RunNotes;
import org.lorastudio.notes.TestRuns;
import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;

/** The issue-5 {@code runs} subcommands end to end through {@link Cli#run}. */
class RunsLifecycleCommandTest {
    @TempDir
    Path workspace;

    private record Result(int code, String out, String err) {
    }

    private Result runs(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "runs";
        all[1] = "--runs-dir";
        all[2] = workspace.resolve("runs").toString();
        System.arraycopy(args, 0, all, 3, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), all);
        return new Result(code, out.toString(), err.toString());
    }

    private RunFolder parent() throws IOException {
        RunFolder run = TestRuns.finished(workspace.resolve("runs"), "cyberpunk",
                TestRuns.config("cyberpunk", 8, "2e-4"), TestRuns.T);
        RunNotes.onRunEnded(run);
        return run;
    }

    @Test
    void forkPlansAChildAndListShowsTheTree() throws IOException {
        RunFolder parent = parent();
        Result fork = runs("fork", "cyberpunk", "--set", "lora_rank=16", "--set", "learning_rate=1e-4");
        assertThat(fork.code()).as(fork.err()).isZero();
        assertThat(fork.out()).contains("forked " + parent.id()).contains("(changed: lora_rank, learning_rate)");
        Path childDir = Path.of(fork.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        RunFolder child = RunFolder.open(childDir);
        assertThat(child.record().parentRunId()).isEqualTo(parent.id().value());
        assertThat(child.record().status()).isEqualTo(RunStatus.PLANNED);

        Result grandchild = runs("fork", childDir.toString(), "--set", "epochs=20");
        assertThat(grandchild.code()).as(grandchild.err()).isZero();
        TestRuns.finished(workspace.resolve("runs"), "other", TestRuns.config("other", 4, "1e-4"),
                TestRuns.T.plusSeconds(7200));

        List<String> lines = runs("list").out().lines().toList();
        assertThat(lines.get(2)).startsWith(parent.id().value());
        assertThat(lines.get(3)).startsWith("└─ " + child.id().value()).contains("planned");
        assertThat(lines.get(4)).startsWith("   └─ ").contains("cyberpunk");
        assertThat(lines.get(5)).contains("other").doesNotStartWith(" ");
    }

    @Test
    void forkWithABadValueIsOneClearLine() throws IOException {
        parent();
        Result r = runs("fork", "cyberpunk", "--set", "lora_rank=0");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("error: config.yaml of run ").contains("--set lora_rank=0: must be");
        assertThat(new RunCatalog(workspace.resolve("runs")).list().entries()).hasSize(1);
    }

    @Test
    void newFromNotesValidatesWithMarkdownLineNumbers() throws IOException {
        Path plan = workspace.resolve("plan.md");
        Files.writeString(plan, "# Plan\n\n```yaml\nname: neon\nbase_model: m.safetensors\n"
                + "train_data_dir: datasets/neon\nlora_rank: 2000\n```\n");
        Result bad = runs("new", "--from-notes", plan.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("plan.md: lora_rank: must be").contains("(line 7)");

        Result ok = runs("new", "--from-notes", plan.toString(), "--set", "lora_rank=16");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("planned run ");
        RunFolder run = RunFolder.open(Path.of(ok.out().strip().lines().reduce((a, b) -> b).orElseThrow()));
        assertThat(run.record().status()).isEqualTo(RunStatus.PLANNED);
        assertThat(run.configText()).contains("lora_rank: 16");
    }

    @Test
    void gitInitCommitAndHistory() throws IOException {
        RunFolder run = parent();
        Result init = runs("git", "init");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).startsWith("initialized Git repository in " + workspace);
        Result commit = runs("commit", "cyberpunk");
        assertThat(commit.out()).startsWith("committed ").contains("cyberpunk: notes updated");
        assertThat(runs("commit", "cyberpunk").out()).startsWith("nothing to commit");
        Files.writeString(run.notesFile(), run.notesText() + "More thoughts.\n");
        assertThat(runs("commit", "cyberpunk", "-m", "second look").code()).isZero();
        Result history = runs("history", "cyberpunk");
        List<String> lines = history.out().lines().toList();
        assertThat(lines.get(0)).matches("DATE\\s+COMMIT\\s+MESSAGE");
        assertThat(lines.get(2)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+[0-9a-f]{7}\\s+second look");
        assertThat(lines.get(3)).contains("cyberpunk: notes updated");
    }

    @Test
    void commitOutsideARepositorySaysWhatToDo() throws IOException {
        parent();
        Result r = runs("history", "cyberpunk");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).endsWith("is not a Git repository; run 'lorastudio runs git init' first");
    }

    @Test
    void exportWritesAVerifiedZip() throws IOException {
        parent();
        Path zip = workspace.resolve("out.zip");
        Result r = runs("export", "cyberpunk", "--out", zip.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("without weights").contains("verified against MANIFEST.sha256");
        assertThat(RunExport.verify(zip)).isEmpty();
        assertThat(runs("export", "cyberpunk", "--with-weights", "--out", zip.toString()).out())
                .contains("with weights");
    }

    @Test
    void reportWritesHtmlOrMarkdown() throws IOException {
        RunFolder a = parent();
        RunFolder b = TestRuns.finished(workspace.resolve("runs"), "cyberpunk",
                TestRuns.config("cyberpunk", 16, "2e-4"), TestRuns.T.plusSeconds(60));
        Path html = workspace.resolve("r.html");
        Result r = runs("report", a.id().value(), b.id().value(), "--format", "html", "--out", html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("wrote " + html + "\n");
        assertThat(Files.readString(html)).contains("data:image/png;base64,");
        Result md = runs("report", a.id().value(), "--format", "md", "--out", workspace.resolve("r.md").toString());
        assertThat(md.out()).contains("r-loss.png");
        assertThat(runs("report", a.id().value(), "--format", "pdf").err()).contains("expected md or html");
    }

    @Test
    void helpListsTheNewCommands() {
        Result r = runs("--help");
        assertThat(r.out()).contains("fork").contains("new").contains("report").contains("export").contains("git")
                .contains("commit").contains("history");
        for (String cmd : List.of("fork", "new", "report", "export", "commit", "history")) {
            assertThat(runs(cmd, "--help").code()).isZero();
        }
    }
}
