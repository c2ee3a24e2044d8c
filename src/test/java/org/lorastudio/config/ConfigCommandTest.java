package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lorastudio.config.ConfigTestSupport.resourceFile;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;

/** {@code lorastudio config ...} through the real command line. */
class ConfigCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Cli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void checkReportsTheFiveMistakesOnFiveLinesWithoutAStackTrace() {
        int code = run("config", "check", resourceFile("five-mistakes.yaml").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).hasSize(5).allMatch(l -> l.startsWith("error: five-mistakes.yaml: "));
        assertThat(err.toString()).contains("did you mean `learning_rate`?", "(line 7)")
                .doesNotContain("Exception").doesNotContain("at org.");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void checkSaysOkWithKeyAndDefaultCounts() {
        int code = run("config", "check", "resources/configs/cyberpunk.yaml");

        assertThat(code).isZero();
        int total = ConfigFields.all().size();
        assertThat(out.toString()).isEqualTo("OK: cyberpunk (11 keys, " + (total - 11) + " defaults)"
                + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void checkAppliesOverridesAndNamesBadOnes() {
        int code = run("config", "check", "resources/configs/cyberpunk.yaml", "--set", "lora_rank=0",
                "--set", "epochs=20");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo(
                "error: cyberpunk.yaml: --set lora_rank=0: must be an integer 1..1024, found 0");
    }

    @Test
    void checkPrintsWarningsButSucceeds() throws IOException {
        Path file = dir.resolve("warn.yaml");
        Files.writeString(file, "name: w\nbase_model: m\ntrain_data_dir: d\ntext_encoder_lr: 5e-5\n");

        assertThat(run("config", "check", file.toString())).isZero();
        assertThat(err.toString()).startsWith("warning: warn.yaml: text_encoder_lr: has no effect");
        assertThat(out.toString()).startsWith("OK: w (4 keys, ");
    }

    @Test
    void missingFileIsOnePlainLine() {
        assertThat(run("config", "check", dir.resolve("nope.yaml").toString())).isEqualTo(1);
        assertThat(err.toString().lines()).singleElement().asString().startsWith("error: config file not found: ");
    }

    @Test
    void showPrintsTheResolvedYamlWithOverrides() {
        int code = run("config", "show", "resources/configs/demo.yaml", "--set", "lora_rank=8");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("lora_rank: 8\n", "base_model: ../../models/demo\n",
                "learning_rate: 1.0e-3\n", "# --- Sampling: ");
    }

    @Test
    void keysListsEveryKeyAndMarkdownToo() {
        assertThat(run("config", "keys")).isZero();
        String text = out.toString();
        for (ConfigField f : ConfigFields.all()) {
            assertThat(text).contains("  " + f.key() + " = ");
        }
        out.getBuffer().setLength(0);
        assertThat(run("config", "keys", "--markdown")).isZero();
        assertThat(out.toString()).isEqualTo(ConfigDocs.markdown());
    }

    @Test
    void everyConfigCommandHasHelp() {
        for (String[] args : new String[][] {{"config", "--help"}, {"config", "check", "--help"},
                {"config", "show", "--help"}, {"config", "keys", "--help"}}) {
            out.getBuffer().setLength(0);
            assertThat(run(args)).as(String.join(" ", args)).isZero();
            assertThat(out.toString()).as(String.join(" ", args)).contains("Usage: lorastudio config");
        }
    }
}
