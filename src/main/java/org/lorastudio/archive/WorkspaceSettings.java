package org.lorastudio.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The workspace's own settings, {@code workspace/.lorastudio/settings.yaml}: things that belong to the workspace
 * rather than to one run. Today that is only whether finished runs are committed to the workspace's Git repository:
 * <pre>
 * git:
 *   auto_commit: true
 * </pre>
 * A missing file means the defaults (no auto-commit). Unknown keys are errors, like in a config (STYLE 3).
 *
 * @param gitAutoCommit commit every finished run ({@link RunArchive#onRunFinished})
 */
public record WorkspaceSettings(boolean gitAutoCommit) {
    /** The folder of studio files inside the workspace. */
    public static final String DIR = ".lorastudio";
    /** The settings file inside {@link #DIR}. */
    public static final String FILE = "settings.yaml";

    /** Everything off. */
    public static WorkspaceSettings defaults() {
        return new WorkspaceSettings(false);
    }

    /** Where the settings of {@code workspace} live. */
    public static Path file(Path workspace) {
        return workspace.resolve(DIR).resolve(FILE);
    }

    /** Reads the settings of a workspace; a missing file gives {@link #defaults()}. */
    public static WorkspaceSettings read(Path workspace) {
        Path file = file(workspace);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses settings text; {@code source} names it in errors. */
    static WorkspaceSettings parse(String text, String source) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new UserException(source + " is not valid YAML: " + e.getMessage().replace('\n', ' '), e);
        }
        if (root == null) {
            return defaults();
        }
        Map<?, ?> top = map(root, source, "the top level");
        boolean autoCommit = false;
        for (Map.Entry<?, ?> e : top.entrySet()) {
            if (!"git".equals(e.getKey())) {
                throw new UserException(source + ": unknown key '" + e.getKey() + "' (known: git.auto_commit)");
            }
            for (Map.Entry<?, ?> g : map(e.getValue(), source, "git").entrySet()) {
                if (!"auto_commit".equals(g.getKey())) {
                    throw new UserException(source + ": unknown key 'git." + g.getKey() + "' (known: git.auto_commit)");
                }
                if (!(g.getValue() instanceof Boolean b)) {
                    throw new UserException(source + ": git.auto_commit must be true or false, found "
                            + g.getValue());
                }
                autoCommit = b;
            }
        }
        return new WorkspaceSettings(autoCommit);
    }

    private static Map<?, ?> map(Object node, String source, String where) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map<?, ?> m)) {
            throw new UserException(source + ": " + where + " must be key: value lines, found " + node);
        }
        return m;
    }

    /** The settings as YAML, with a comment saying what each key does. */
    public String toYaml() {
        return "# LoRA Studio workspace settings.\n"
                + "git:\n"
                + "  # commit config, notes, run.json, metrics, samples and loss plot of every finished run\n"
                + "  auto_commit: " + gitAutoCommit + "\n";
    }

    /** Writes the settings of {@code workspace} atomically. */
    public void write(Path workspace) throws IOException {
        AtomicFiles.writeString(file(workspace), toYaml());
    }
}
