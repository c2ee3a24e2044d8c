package org.lorastudio.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The reference of every key, generated from {@link ConfigFields} and {@link ConfigRules}: plain text for
 * {@code lorastudio config keys} and Markdown for {@code docs/config.md} (a test keeps that file up to date).
 */
public final class ConfigDocs {
    private static final int TEXT_WIDTH = 100;
    private static final String INDENT = "      ";
    private static final List<String> GENERAL_RULES = List.of(
            "Keys are the names below; an unknown key is an error with a \"did you mean\" suggestion, which also"
                    + " knows the names kohya and diffusers use (`network_dim` → `lora_rank`).",
            "Wrong types and values out of range are errors naming the key, the line, the value found and what is"
                    + " allowed. All problems are reported at once; nothing is corrected silently.",
            "Numbers and booleans are plain YAML: `16`, `1.5e-4`, `true` (not `\"16\"`, not `yes`). Lists are YAML"
                    + " lists: `[attentions, resnets]`. Choices ignore case (`AdamW` = `adamw`).",
            "A key with nothing after it (`key:`, `~` or `null`) means: unset for keys that may be unset, `\"\"`"
                    + " for text, `[]` for lists; for other keys it is an error (remove the line to get the default).",
            "Relative paths resolve against the folder of the config file, not the working directory; `~/` is the"
                    + " home folder. Files need not exist to pass validation: they are checked when training starts.",
            "`output_dir` unset means the workspace's `runs` folder (`<workspace>/runs`), chosen by the studio or the"
                    + " command that starts the run.",
            "`--set key=value` overrides are validated like file values and named in messages instead of a line."
                    + " Values are YAML (`--set unet_target_modules=[attentions,resnets]`), except text and path keys,"
                    + " which are taken literally; relative paths in overrides resolve against the working directory.",
            "A saved config (e.g. a run's `config.yaml`) has every key written out, grouped by section.");

    private ConfigDocs() {
    }

    /** Plain text: one block per key, grouped by section. */
    public static String text() {
        StringBuilder sb = new StringBuilder();
        for (Section section : Section.values()) {
            sb.append(section.title()).append(": ").append(section.description()).append('\n');
            for (ConfigField f : ConfigFields.inSection(section)) {
                sb.append("  ").append(f.key()).append(" = ").append(f.defaultText()).append('\n');
                sb.append("      ").append(f.type().rule())
                        .append(f.unitText().map(u -> " (" + u + ")").orElse("")).append('\n');
                sb.append(wrap(f.description()));
                choices(f).forEach(c -> sb.append(wrap("  " + c.yamlName() + ": " + c.description())));
                f.hintText().ifPresent(h -> sb.append(wrap("recommended: " + h)));
                if (f.appliesTo().size() < ModelType.values().length) {
                    sb.append("      only for model_type: ").append(appliesTo(f)).append('\n');
                }
            }
            sb.append('\n');
        }
        sb.append("Checks across keys:\n");
        for (ConfigRules.Rule rule : ConfigRules.ALL) {
            sb.append("  - ").append(rule.doc()).append('\n');
        }
        sb.append("  - ").append(ConfigRules.NOT_APPLICABLE_DOC).append('\n');
        return sb.toString();
    }

    /** Markdown: general rules, one table per section, then the cross-field checks. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Config reference\n\n")
                .append("<!-- Generated from the field descriptors (org.lorastudio.config.ConfigFields) by")
                .append(" `lorastudio config keys --markdown`; do not edit by hand. -->\n\n")
                .append("One YAML file describes one training run (SPEC §4). Examples: `resources/configs/`;")
                .append(" check a file with `lorastudio config check FILE`, see it with every default filled in")
                .append(" with `lorastudio config show FILE`.\n\n## Rules\n\n");
        GENERAL_RULES.forEach(r -> sb.append("- ").append(r).append('\n'));
        for (Section section : Section.values()) {
            sb.append("\n## ").append(section.title()).append("\n\n").append(capitalize(section.description()))
                    .append(".\n\n| key | allowed | default | description |\n|---|---|---|---|\n");
            for (ConfigField f : ConfigFields.inSection(section)) {
                StringBuilder desc = new StringBuilder(f.description());
                choices(f).forEach(c -> desc.append(" `").append(c.yamlName()).append("`: ").append(c.description())
                        .append('.'));
                f.unitText().ifPresent(u -> desc.append(" Unit: ").append(u).append('.'));
                f.hintText().ifPresent(h -> desc.append(" *Recommended:* ").append(h).append('.'));
                if (f.appliesTo().size() < ModelType.values().length) {
                    desc.append(" *Only for* `model_type: ").append(appliesTo(f)).append("`.");
                }
                sb.append("| `").append(f.key()).append("` | ").append(cell(f.type().rule()))
                        .append(" | `").append(f.defaultText()).append("` | ").append(cell(desc.toString()))
                        .append(" |\n");
            }
        }
        sb.append("\n## Checks across keys\n\n");
        for (ConfigRules.Rule rule : ConfigRules.ALL) {
            sb.append("- ").append(cell(rule.doc())).append('\n');
        }
        sb.append("- ").append(ConfigRules.NOT_APPLICABLE_DOC).append('\n');
        return sb.toString();
    }

    /** Indents {@code text} by six spaces and wraps it at {@link #TEXT_WIDTH} columns for terminals. */
    private static String wrap(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(INDENT);
        for (String word : text.split(" ")) {
            if (line.length() > INDENT.length() && line.length() + 1 + word.length() > TEXT_WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(INDENT);
            }
            if (line.length() > INDENT.length()) {
                line.append(' ');
            }
            line.append(word);
        }
        return out.append(line).append('\n').toString();
    }

    /** The constants of a choice key with their descriptions; empty for other kinds. */
    private static List<ConfigEnum> choices(ConfigField f) {
        if (f.type() instanceof ValueType.ChoiceType<?> choice) {
            return List.of(choice.enumType().getEnumConstants());
        }
        return List.of();
    }

    private static String appliesTo(ConfigField f) {
        return f.appliesTo().stream().sorted().map(ModelType::yamlName).collect(Collectors.joining(", "));
    }

    /** Table-cell safe: pipes escaped, angle brackets as entities so {@code <image>} is not taken for HTML. */
    private static String cell(String s) {
        return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
