package org.lorastudio.config;

import java.io.IOException;
import java.nio.file.Path;

import org.lorastudio.util.AtomicFiles;

/**
 * Writes a resolved config as YAML: every key, defaults included, grouped by section under a comment heading and in
 * descriptor order, so a run's {@code config.yaml} says exactly what was trained and reads the same in every run.
 * Unset optional keys are written as {@code null} with what that means as a comment.
 */
public final class ConfigWriter {
    private ConfigWriter() {
    }

    /**
     * The YAML text of {@code config} for a file stored in {@code dir}: relative paths are kept as written when
     * they still point at the same place from {@code dir}, else rewritten relative to {@code dir}.
     */
    public static String toYaml(TrainingConfig config, Path dir) {
        StringBuilder sb = new StringBuilder();
        // YAML also ends a line at NEL, LS and PS: a name holding one would push the rest of the comment out of it
        // (found by fuzzing)
        String oneLineName = config.name().replaceAll("[\\r\\n\\u0085\\u2028\\u2029]", " ");
        sb.append("# LoRA Studio training config \"").append(oneLineName)
                .append("\" (resolved: every key is written, defaults included).\n")
                .append("# Relative paths are relative to this file's folder. Key reference: docs/config.md or")
                .append(" 'lorastudio config keys'.\n");
        for (Section section : Section.values()) {
            var fields = ConfigFields.inSection(section);
            if (fields.isEmpty()) {
                continue;
            }
            boolean used = fields.stream().anyMatch(f -> f.appliesTo(config.modelType()));
            sb.append("\n# --- ").append(section.title()).append(": ").append(section.description())
                    .append(used ? "" : " (not used by " + config.modelType().yamlName() + ")").append('\n');
            for (ConfigField f : fields) {
                Object v = config.get(f.key());
                sb.append(f.key()).append(": ");
                if (v == null) {
                    sb.append("null");
                    if (f.defaultNote() != null) {
                        sb.append("  # unset: ").append(f.defaultNote());
                    }
                } else {
                    if (v instanceof ConfigPath p) {
                        v = new ConfigPath(p.writtenFor(dir), p.resolved());
                    }
                    sb.append(f.type().yaml(v));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Writes {@code config} to {@code file} atomically: readers see the old file or the new one, never a part. */
    public static void save(TrainingConfig config, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        AtomicFiles.writeString(file, toYaml(config, dir));
    }

    /**
     * Saves YAML text as the config screen does (the user's own text, comments and order kept): atomically, so a
     * kill leaves the old file or the new one.
     *
     * @throws org.lorastudio.util.UserException when the disk is full, read-only or not writable; the message
     *                                           names the file and the previous version is intact
     */
    public static void saveText(Path file, String yaml) throws IOException {
        AtomicFiles.writeString(file, yaml);
    }
}
