package org.lorastudio.compare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The config keys on which two or more runs differ (SPEC §7 Compare: "a config diff table showing only the keys
 * that differ"). A key missing from a run counts as differing and shows as {@value #MISSING}.
 *
 * @param runs the compared runs' labels, in the order given
 * @param rows one row per differing key, in the order keys first appear across the runs
 * @param totalKeys how many distinct keys the runs have together
 */
public record ConfigDiff(List<String> runs, List<Row> rows, int totalKeys) {
    /** Shown for a key a run does not have. */
    public static final String MISSING = "—";

    /**
     * One differing key.
     *
     * @param key the dotted key
     * @param values one display value per run, {@value ConfigDiff#MISSING} where absent
     */
    public record Row(String key, List<String> values) {
        public Row {
            values = List.copyOf(values);
        }
    }

    public ConfigDiff {
        runs = List.copyOf(runs);
        rows = List.copyOf(rows);
    }

    /** Diffs configs labelled by {@code runs} (same order and size as {@code configs}). */
    public static ConfigDiff of(List<String> runs, List<FlatConfig> configs) {
        if (runs.size() != configs.size()) {
            throw new IllegalArgumentException(runs.size() + " labels for " + configs.size() + " configs");
        }
        if (configs.size() < 2) {
            throw new IllegalArgumentException("a comparison needs at least two configs, found " + configs.size());
        }
        Set<String> keys = new LinkedHashSet<>();
        configs.forEach(c -> keys.addAll(c.keys()));
        List<Row> rows = new ArrayList<>();
        for (String key : keys) {
            List<FlatConfig.Value> vs = configs.stream().map(c -> c.values().get(key)).toList();
            boolean differs = vs.stream().anyMatch(Objects::isNull)
                    || vs.stream().map(FlatConfig.Value::canonical).distinct().count() > 1;
            if (differs) {
                rows.add(new Row(key, vs.stream().map(v -> v == null ? MISSING : v.text()).toList()));
            }
        }
        return new ConfigDiff(runs, rows, keys.size());
    }

    /** True when every run has the same settings. */
    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The differing keys, in order. */
    public List<String> keys() {
        return rows.stream().map(Row::key).toList();
    }
}
