package org.lorastudio.notes;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.lorastudio.compare.FlatConfig;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigField;
import org.lorastudio.config.ConfigFields;
import org.lorastudio.config.Section;
import org.lorastudio.util.UserException;

/**
 * What changed in a run's config compared with its parent (SPEC §7 Notes: "Config changes — filled in
 * automatically as a diff against the parent run"): each changed key as {@code old → new}, grouped by config
 * section, the groups and keys that decide most about a LoRA first. Keys compare by meaning ({@code 16} equals
 * {@code 16.0}, {@code 2e-4} equals {@code 0.0002}), as in {@code runs compare}. Pure.
 *
 * @param parentId the run compared with, or null when there is none
 * @param parentReason how the parent was found ("parent run", "previous run with the same name")
 * @param groups the changes, grouped; empty when the configs are the same
 */
public record ConfigChanges(String parentId, String parentReason, List<Group> groups) {
    /**
     * The keys that matter most for the result, in that order: what is trained on (model, data), the adapter's size,
     * the step size, the training length, the resolution and where adapters sit. They lead the list so the one change
     * that explains a different result is seen first.
     */
    static final List<String> IMPORTANT = List.of("base_model", "model_type", "lora_rank", "lora_alpha",
            "learning_rate", "unet_lr", "text_encoder_lr", "epochs", "max_train_steps", "resolution",
            "unet_target_modules", "text_encoder_target_modules", "target_modules", "train_data_dir", "batch_size",
            "optimizer", "lr_scheduler");
    private static final String OTHER = "Other";

    /**
     * One changed key.
     *
     * @param key the config key
     * @param before value in the parent, or {@code —} when absent
     * @param after value in this run, or {@code —} when absent
     */
    public record Change(String key, String before, String after) {
    }

    /**
     * Changes within one config section.
     *
     * @param title the section's title ({@code LoRA}, {@code Schedule}...)
     * @param changes the changed keys, most important first
     */
    public record Group(String title, List<Change> changes) {
        public Group {
            changes = List.copyOf(changes);
        }
    }

    public ConfigChanges {
        groups = List.copyOf(groups);
    }

    /** No parent: the first run of its name. */
    public static ConfigChanges none() {
        return new ConfigChanges(null, null, List.of());
    }

    /**
     * The diff between two runs' config files, compared as resolved configs: each is loaded (defaults filled in)
     * and written out for {@code childDir}, so a key left at its default in one file and written out in the other
     * is no change, and relative paths compare by where they point. A config this studio cannot load (an older
     * version's, or one edited by hand into an invalid state) is compared as written.
     */
    public static ConfigChanges between(String parentId, String parentReason, String parentYaml, Path parentDir,
                                        String childYaml, Path childDir) {
        ConfigChanges resolved = between(parentId, parentReason, resolved(parentYaml, parentDir, childDir),
                resolved(childYaml, childDir, childDir));
        // show values as the user wrote them (2e-4, not 2.0e-4) wherever the file has the key
        Map<String, FlatConfig.Value> before = flatOrEmpty(parentYaml);
        Map<String, FlatConfig.Value> after = flatOrEmpty(childYaml);
        List<Change> shown = new ArrayList<>();
        for (Group g : resolved.groups()) {
            for (Change c : g.changes()) {
                shown.add(new Change(c.key(), before.containsKey(c.key()) ? text(before.get(c.key())) : c.before(),
                        after.containsKey(c.key()) ? text(after.get(c.key())) : c.after()));
            }
        }
        return new ConfigChanges(parentId, parentReason, group(shown));
    }

    private static String resolved(String yaml, Path dir, Path writtenFor) {
        try {
            return ConfigLoader.load(yaml, "config.yaml", dir, List.of()).config().toYaml(writtenFor);
        } catch (UserException e) {
            return yaml;
        }
    }

    private static Map<String, FlatConfig.Value> flatOrEmpty(String yaml) {
        try {
            return FlatConfig.parse(yaml, "config.yaml").values();
        } catch (UserException e) {
            return Map.of();
        }
    }

    /**
     * The diff from {@code parentYaml} to {@code childYaml}, key by key as written.
     *
     * @throws org.lorastudio.util.UserException when either is not YAML
     */
    public static ConfigChanges between(String parentId, String parentReason, String parentYaml, String childYaml) {
        Objects.requireNonNull(parentId, "parentId");
        FlatConfig before = FlatConfig.parse(parentYaml, "config.yaml of run " + parentId);
        FlatConfig after = FlatConfig.parse(childYaml, "config.yaml");
        Set<String> keys = new LinkedHashSet<>(before.keys());
        keys.addAll(after.keys());
        List<Change> changes = new ArrayList<>();
        for (String key : keys) {
            FlatConfig.Value b = before.values().get(key);
            FlatConfig.Value a = after.values().get(key);
            if (b == null || a == null || !b.canonical().equals(a.canonical())) {
                changes.add(new Change(key, text(b), text(a)));
            }
        }
        return new ConfigChanges(parentId, parentReason, group(changes));
    }

    /** Sorts changes into sections: sections by their most important key, then in config order. */
    static List<Group> group(List<Change> changes) {
        Map<String, List<Change>> bySection = new LinkedHashMap<>();
        List<Change> sorted = changes.stream().sorted(Comparator.comparingInt(ConfigChanges::rank)).toList();
        for (Change c : sorted) {
            bySection.computeIfAbsent(sectionTitle(c.key()), k -> new ArrayList<>()).add(c);
        }
        List<Group> groups = new ArrayList<>();
        bySection.forEach((title, list) -> groups.add(new Group(title, list)));
        return groups;
    }

    /** Important keys by their place in {@link #IMPORTANT}; the rest after them, in section and descriptor order. */
    static int rank(Change c) {
        int i = IMPORTANT.indexOf(c.key());
        if (i >= 0) {
            return i;
        }
        List<ConfigField> all = ConfigFields.all();
        Optional<ConfigField> f = ConfigFields.byKey(c.key());
        return IMPORTANT.size() + f.map(all::indexOf).orElse(all.size());
    }

    private static String sectionTitle(String key) {
        return ConfigFields.byKey(key).map(ConfigField::section).map(Section::title).orElse(OTHER);
    }

    private static String text(FlatConfig.Value v) {
        return v == null ? "—" : v.canonical().startsWith("n:") ? number(v.text()) : v.text();
    }

    /**
     * A number in one spelling whichever way the file wrote it, so a diff never reads {@code 1e-3 → 5.0e-4}:
     * small values (learning rates) as {@code 5e-4} or {@code 1.5e-4}, others as plain decimals.
     */
    static String number(String text) {
        BigDecimal d;
        try {
            d = new BigDecimal(text.replace("_", "").replaceFirst("^\\+", "")).stripTrailingZeros();
        } catch (NumberFormatException e) {
            return text; // .inf, .nan, hex: shown as written
        }
        if (d.signum() == 0) {
            return "0";
        }
        if (d.abs().compareTo(new BigDecimal("0.01")) >= 0) {
            return d.toPlainString();
        }
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d.signum() < 0 ? "-" : "") + mantissa + "e" + exponent;
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** Every changed key, in display order. */
    public List<String> keys() {
        return groups.stream().flatMap(g -> g.changes().stream()).map(Change::key).toList();
    }

    /** The Markdown between the markers. */
    public String content() {
        if (parentId == null) {
            return "No parent run: this is the first run of its name, so there is nothing to compare with.\n";
        }
        StringBuilder sb = new StringBuilder();
        int n = keys().size();
        sb.append("Compared with ").append(parentReason).append(" `").append(parentId).append("`: ");
        if (n == 0) {
            return sb.append("no key changed (a re-run with the same config).\n").toString();
        }
        sb.append(n).append(n == 1 ? " key" : " keys").append(" changed.\n");
        for (Group g : groups) {
            sb.append("\n**").append(g.title()).append("**\n\n");
            for (Change c : g.changes()) {
                sb.append("- `").append(c.key()).append("`: ").append(code(c.before())).append(" → ")
                        .append(code(c.after())).append('\n');
            }
        }
        return sb.toString();
    }

    private static String code(String v) {
        return v.equals("—") ? v : "`" + v.replace("`", "'") + "`";
    }
}
