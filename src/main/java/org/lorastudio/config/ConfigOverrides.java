package org.lorastudio.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads command-line overrides ({@code --set key=value}) into entries that the loader validates exactly like file
 * values; a problem names the override instead of a line.
 *
 * <p>Values are YAML ({@code --set unet_target_modules=[attentions,resnets]}, {@code --set lora_alpha=} unsets an
 * optional key), except for text and path keys, whose value is taken literally so that a name or a prompt needs no
 * YAML quoting on top of the shell's. Relative paths in overrides resolve against the working directory, like any
 * path typed on a command line.
 */
final class ConfigOverrides {
    private ConfigOverrides() {
    }

    static RawDocument parse(List<String> sets, Path workingDir) {
        List<RawEntry> entries = new ArrayList<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (String set : sets) {
            String origin = "--set " + set;
            int eq = set.indexOf('=');
            String key = eq < 0 ? "" : set.substring(0, eq).strip();
            if (key.isEmpty()) {
                problems.add(ConfigProblem.error(key, 0, origin, set,
                        "must be key=value, e.g. --set lora_rank=16"));
                continue;
            }
            String text = set.substring(eq + 1);
            Optional<ConfigField> field = ConfigFields.byKey(key);
            boolean literal = field.isPresent()
                    && (field.get().type() instanceof ValueType.TextType
                    || field.get().type() instanceof ValueType.PathType);
            try {
                Node node = literal ? literal(text) : YamlConfigReader.compose(text);
                entries.add(new RawEntry(key, node, 0, origin, workingDir));
            } catch (YAMLException e) {
                problems.add(ConfigProblem.error(key, 0, origin, text, "is not a valid YAML value ("
                        + e.getMessage().lines().findFirst().orElse("").strip() + "); lists are written [a, b]"));
            }
        }
        return new RawDocument(entries, problems);
    }

    private static Node literal(String text) {
        return text.isEmpty() ? null : new ScalarNode(Tag.STR, text, null, null, DumperOptions.ScalarStyle.PLAIN);
    }
}
