package org.lorastudio.ui.runs;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lorastudio.compare.ConfigDiff;
import org.lorastudio.compare.FlatConfig;
import org.lorastudio.config.ConfigFields;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * "Fork with changes": a new run folder whose {@code config.yaml} is the parent's with some top-level keys set,
 * whose {@code run.json} names the parent, and whose notes list the changes under "Config changes". The core has
 * no {@code runs fork} yet, so this builds on {@link RunFolder#create} and {@link RunRecord#withParent}; the new
 * folder waits for the trainer (its status reads "not started" in the table).
 */
final class RunForks {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String CHANGES_HEADING = "## Config changes";

    private RunForks() {
    }

    /**
     * Parses {@code key=value} lines (blank lines and {@code #} comments skipped). Every problem is collected and
     * reported at once, each with its line number.
     */
    static Map<String, String> parseChanges(String lines) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] all = lines.split("\\R", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0) {
                problems.add("line " + (i + 1) + ": expected key=value, e.g. lora_rank=16");
            } else if (!KEY.matcher(key).matches()) {
                problems.add("line " + (i + 1) + ": '" + key + "' is not a top-level config key");
            } else if (ConfigFields.byKey(key).isEmpty()) {
                problems.add("line " + (i + 1) + ": unknown key '" + key + "'"
                        + ConfigFields.suggest(key).map(s -> " (did you mean " + s + "?)").orElse(""));
            } else if (out.put(key, line.substring(eq + 1).strip()) != null) {
                problems.add("line " + (i + 1) + ": '" + key + "' is set twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new UserException(String.join("; ", problems));
        }
        return out;
    }

    /**
     * {@code yaml} with each top-level key set to its new value: the key's line (and a block value under it) is
     * replaced, other lines and comments stay; keys that are not there are appended.
     */
    static String apply(String yaml, Map<String, String> changes) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\\R", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (Map.Entry<String, String> c : changes.entrySet()) {
            String newLine = c.getKey() + ": " + c.getValue();
            Pattern at = Pattern.compile("^" + Pattern.quote(c.getKey()) + "\\s*:(\\s|$).*");
            int found = -1;
            for (int i = 0; i < lines.size() && found < 0; i++) {
                if (at.matcher(lines.get(i)).matches()) {
                    found = i;
                }
            }
            if (found < 0) {
                lines.add(newLine);
                continue;
            }
            int end = found + 1;
            while (end < lines.size() && isContinuation(lines.get(end))) {
                end++;
            }
            // keep trailing blank lines and comments that belong to the next key
            while (end > found + 1 && lines.get(end - 1).isBlank()) {
                end--;
            }
            lines.subList(found, end).clear();
            lines.add(found, newLine);
        }
        return String.join("\n", lines) + "\n";
    }

    private static boolean isContinuation(String line) {
        return line.isBlank() || line.startsWith(" ") || line.startsWith("\t") || line.startsWith("- ")
                || line.equals("-");
    }

    /**
     * Makes the fork in {@code runsDir}. {@code changes} may set {@code name}; otherwise the fork is named
     * {@code <parent>-fork}.
     */
    static RunFolder fork(RunFolder parent, Path runsDir, String changeLines, Instant now) throws IOException {
        Map<String, String> changes = new LinkedHashMap<>(parseChanges(changeLines));
        RunRecord parentRecord = parent.record();
        String name = changes.containsKey("name") ? unquote(changes.get("name")) : parentRecord.name() + "-fork";
        changes.put("name", name);
        String parentYaml = parent.configText();
        String yaml = apply(parentYaml, changes);
        FlatConfig before = FlatConfig.parse(parentYaml, "config.yaml of run " + parentRecord.id());
        FlatConfig after = FlatConfig.parse(yaml, "the forked config");
        RunFolder child = RunFolder.create(runsDir, name, parentRecord.modelType(), yaml, now);
        child.update(r -> r.withParent(parentRecord.id()));
        ConfigDiff diff = ConfigDiff.of(List.of(parentRecord.id(), child.id().value()), List.of(before, after));
        AtomicFiles.writeString(child.notesFile(), withChanges(child.notesText(), parentRecord.id(), diff));
        return child;
    }

    /** The notes with the "Config changes" hint replaced by the list of changes against the parent. */
    static String withChanges(String notes, String parentId, ConfigDiff diff) {
        StringBuilder list = new StringBuilder("Forked from `" + parentId + "`:\n\n");
        for (ConfigDiff.Row r : diff.rows()) {
            if (!r.key().equals("name")) {
                list.append("- `").append(r.key()).append("`: ").append(r.values().get(0)).append(" → ")
                        .append(r.values().get(1)).append('\n');
            }
        }
        int h = notes.indexOf(CHANGES_HEADING + "\n");
        if (h < 0) {
            return notes + (notes.endsWith("\n") ? "\n" : "\n\n") + CHANGES_HEADING + "\n\n" + list;
        }
        int bodyStart = h + CHANGES_HEADING.length() + 1;
        Matcher hint = Pattern.compile("\\n*_[^\\n]*_\\n").matcher(notes);
        if (hint.find(bodyStart) && hint.start() == bodyStart) {
            return notes.substring(0, bodyStart) + "\n" + list + notes.substring(hint.end());
        }
        return notes.substring(0, bodyStart) + "\n" + list + notes.substring(bodyStart);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }
}
