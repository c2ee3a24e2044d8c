package org.lorastudio.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.lorastudio.run.RunCatalog;
import org.lorastudio.run.RunEntry;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;

/**
 * Which run a run was started from (SPEC §5 "parent run if it was started from one"), and the runs of a folder as a
 * family tree for {@code runs list}. A run's parent is the one named in its {@code run.json}; for the notes' config
 * diff a run without one is compared with the previous run of the same name, which is what people mean by "what did
 * I change since last time".
 */
public final class Lineage {
    private Lineage() {
    }

    /**
     * A parent found for a run.
     *
     * @param folder the parent's folder
     * @param reason how it was found, for the notes: {@code parent run} or {@code previous run with the same name}
     */
    public record Parent(RunFolder folder, String reason) {
    }

    /**
     * The run {@code run} is compared with: its explicit parent when that folder exists next to it, else the latest
     * earlier run (by id, so by start time) with the same name in the same runs folder; empty when there is none.
     */
    public static Optional<Parent> parentOf(RunFolder run) {
        Path runsDir = run.dir().toAbsolutePath().normalize().getParent();
        RunRecord record = run.record();
        if (record.parentRunId() != null) {
            // run.json may come from someone else's runs folder: its parent id must name a sibling, not a path
            Path dir = sibling(runsDir, record.parentRunId());
            if (dir != null && Files.isRegularFile(dir.resolve(RunRecord.FILE_NAME))) {
                return Optional.of(new Parent(RunFolder.open(dir), "parent run"));
            }
        }
        RunEntry previous = null;
        for (RunEntry e : new RunCatalog(runsDir).list().entries()) {
            if (e.isReadable() && e.record().name().equals(record.name())
                    && e.id().value().compareTo(record.id()) < 0) {
                previous = e; // entries are sorted by id: the last match is the latest
            }
        }
        return Optional.ofNullable(previous).map(e -> new Parent(e.folder(), "previous run with the same name"));
    }

    /** The folder {@code id} names next to the runs, or {@code null} when it is a path or not a file name. */
    private static Path sibling(Path runsDir, String id) {
        try {
            Path dir = runsDir.resolve(id).normalize();
            return runsDir.equals(dir.getParent()) ? dir : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    /**
     * One row of the family tree.
     *
     * @param entry the run
     * @param depth 0 for a root
     * @param prefix the tree glyphs to print before the id ({@code "│  └─ "}), empty for a root
     */
    public record Node(RunEntry entry, int depth, String prefix) {
    }

    /**
     * The entries as a tree by explicit parent: each run followed by its children (by id), depth first. A run whose
     * parent is not among the entries is a root; so is every run of a parent loop written by hand, so nothing is
     * ever hidden.
     */
    public static List<Node> tree(List<RunEntry> entries) {
        Map<String, RunEntry> byId = new LinkedHashMap<>();
        entries.forEach(e -> byId.put(e.id().value(), e));
        Map<String, List<RunEntry>> children = new LinkedHashMap<>();
        List<RunEntry> roots = new ArrayList<>();
        for (RunEntry e : entries) {
            String parent = e.readable().map(RunRecord::parentRunId).orElse(null);
            if (parent != null && byId.containsKey(parent) && !parent.equals(e.id().value())) {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(e);
            } else {
                roots.add(e);
            }
        }
        List<Node> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (RunEntry root : roots) {
            walk(root, 0, "", true, children, seen, out);
        }
        for (RunEntry e : entries) {
            if (!seen.contains(e.id().value())) {
                walk(e, 0, "", true, children, seen, out); // a loop of parents: shown from an arbitrary member
            }
        }
        return out;
    }

    private static void walk(RunEntry e, int depth, String indent, boolean last, Map<String, List<RunEntry>> children,
                             Set<String> seen, List<Node> out) {
        if (!seen.add(e.id().value())) {
            return;
        }
        out.add(new Node(e, depth, depth == 0 ? "" : indent + (last ? "└─ " : "├─ ")));
        List<RunEntry> kids = children.getOrDefault(e.id().value(), List.of()).stream()
                .filter(k -> !seen.contains(k.id().value())).toList();
        String childIndent = depth == 0 ? "" : indent + (last ? "   " : "│  ");
        for (int i = 0; i < kids.size(); i++) {
            walk(kids.get(i), depth + 1, childIndent, i == kids.size() - 1, children, seen, out);
        }
    }
}
