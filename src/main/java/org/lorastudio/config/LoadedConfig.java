package org.lorastudio.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A valid config together with what is known about where it came from.
 *
 * @param config        the config, defaults filled in
 * @param source        the file name (or other source name) it was read from
 * @param baseDir       the folder its relative paths resolve against
 * @param explicitKeys  the keys given in the file or by overrides (the rest are defaults)
 * @param lines         1-based line of each key given in the file
 * @param overridden    the keys set by {@code --set}
 * @param warnings      problems that do not stop training, in file order
 */
public record LoadedConfig(TrainingConfig config, String source, Path baseDir, Set<String> explicitKeys,
                           Map<String, Integer> lines, Set<String> overridden, List<ConfigProblem> warnings) {
    public LoadedConfig {
        explicitKeys = Set.copyOf(explicitKeys);
        lines = Map.copyOf(lines);
        overridden = Set.copyOf(overridden);
        warnings = List.copyOf(warnings);
    }

    /** How many keys took their default value. */
    public int defaultCount() {
        return ConfigFields.all().size() - explicitKeys.size();
    }

    /** The line a key was set on, if it was set in the file. */
    public OptionalInt lineOf(String key) {
        Integer line = lines.get(key);
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }
}
