package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigProblem;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.ConfigWriter;
import org.lorastudio.config.LoadedConfig;
import org.lorastudio.util.UserException;

/**
 * The YAML config loader as {@code train} and {@code config check} use it: read the file, report every problem.
 * Every problem must carry a message and a line inside the file; a config that loads must survive being written
 * out and loaded again unchanged (what the studio's save does).
 */
final class ConfigTarget implements FuzzTarget {
    static final String FILE = "fuzz.yaml";
    private final Path dir;
    private final Path file;

    ConfigTarget() throws java.io.IOException {
        dir = Corpus.scratch(name());
        file = dir.resolve(FILE);
    }

    @Override
    public String name() {
        return "config";
    }

    @Override
    public List<String> dictionary() {
        return List.of("name: ", "base_model: ", "train_data_dir: ", "lora_rank: ", "learning_rate: ", "epochs: ",
                "resolution: ", "sample_prompts:\n  - ", "lora_targets: [", "model_type: llm\n", "seed: ", "&a ",
                "*a", "<<: *a\n", "!!binary AAAA", "!!python/object/apply:os.system ['x']", "!!java.io.File {}",
                "? ", "- ", "{a: 1}", "[1, [2, [3]]]", "~", ".nan", ".inf", "-.inf", "0x1F", "0o17", "1_000",
                "yes", "off", "\"\\u0000\"", "'", "|\n  ", ">-\n  ", "---\n", "...\n", "%YAML 1.1\n", "\t", "#",
                "\"../../../etc/passwd\"", "C:\\\\Windows", "null", "2026-11-29", "\uFEFF", "{", "[", "}", "]", ":");
    }

    @Override
    public int maxLength() {
        return 8 << 10;
    }

    @Override
    public byte[] structural(byte[] input, Mutator m) {
        return TextMutation.lines(input, m);
    }

    @Override
    public String run(byte[] input) throws Exception {
        Files.write(file, input);
        ConfigReport report = ConfigLoader.check(file, List.of());
        // YAML also breaks lines at NEL, LS and PS, and SnakeYAML counts them
        long lines = new String(input, java.nio.charset.StandardCharsets.UTF_8)
                .split("\r\n|[\n\r\u0085\u2028\u2029]", -1).length + 1;
        for (ConfigProblem p : report.problems()) {
            assertThat(p.text()).as("problem text").isNotBlank();
            assertThat(p.line()).as("line of %s", p.text()).isBetween(0, (int) lines);
        }
        if (report.hasErrors()) {
            assertThat(report.loaded()).isEmpty();
            return "rejected: " + report.errors().get(0).message();
        }
        LoadedConfig loaded = report.orThrow();
        String yaml = ConfigWriter.toYaml(loaded.config(), dir);
        LoadedConfig again = ConfigLoader.load(yaml, "rewritten.yaml", dir, List.of());
        assertThat(again.config()).as("config written and read back").isEqualTo(loaded.config());
        return "accepted";
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        return t instanceof UserException && t.getMessage().contains(FILE) && !t.getMessage().isBlank();
    }

    @Override
    public void close() throws Exception {
        Corpus.delete(dir);
    }
}
