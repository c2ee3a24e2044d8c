package org.lorastudio.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.lorastudio.util.UserException;

/**
 * The runs folder ({@code workspace/runs} by default): lists runs and finds one from what a user types (an id, a
 * unique prefix or suffix of one, or a path).
 */
public final class RunCatalog {
    /** Environment variable naming the workspace; runs are then in its {@code runs} folder. */
    public static final String WORKSPACE_ENV = "LORASTUDIO_WORKSPACE";
    private static final int MAX_SUGGESTIONS = 3;

    private final Path runsDir;

    public RunCatalog(Path runsDir) {
        this.runsDir = runsDir;
    }

    /**
     * The runs folder when none is given: {@code $LORASTUDIO_WORKSPACE/runs} when that variable is set, otherwise
     * {@code workspace/runs} under {@code cwd}.
     */
    public static Path defaultRunsDir(Map<String, String> env, Path cwd) {
        String ws = env.get(WORKSPACE_ENV);
        Path base = ws != null && !ws.isBlank() ? cwd.resolve(ws) : cwd.resolve("workspace");
        return base.resolve("runs").normalize();
    }

    public Path dir() {
        return runsDir;
    }

    /**
     * Every run in the folder, sorted by id. Sub-folders without {@code run.json} are skipped with a warning;
     * a corrupt {@code run.json} gives an unreadable entry. Hidden entries ({@code .git}) and plain files
     * (a README) are ignored. A runs folder that does not exist yet has no runs.
     */
    public RunListing list() {
        List<RunEntry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path dir : subFolders()) {
            RunId id = new RunId(dir.getFileName().toString());
            if (!Files.isRegularFile(dir.resolve(RunRecord.FILE_NAME))) {
                warnings.add("skipped " + dir + ": no " + RunRecord.FILE_NAME + " (not a run folder)");
                continue;
            }
            try {
                entries.add(new RunEntry(dir, id, RunRecord.read(dir.resolve(RunRecord.FILE_NAME)), null));
            } catch (UserException e) {
                entries.add(new RunEntry(dir, id, null, e.getMessage()));
            }
        }
        entries.sort(Comparator.comparing(RunEntry::id));
        return new RunListing(entries, warnings);
    }

    /**
     * The run a user means by {@code ref}: a path to a run folder (anything with a path separator, or an
     * existing folder that is not in the runs folder), an id in the runs folder, or a unique prefix or suffix of
     * one ({@code 20261129-07}, {@code cyberpunk}), or failing that a unique part of one ({@code 071530}).
     * Otherwise a {@link UserException} in one line, listing close
     * matches or the ambiguous candidates.
     */
    public RunFolder resolve(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new UserException("no run given: expected a run id, a unique part of one, or a run folder");
        }
        if (ref.contains("/") || ref.contains("\\") || ref.equals(".") || ref.equals("..")) {
            return RunFolder.open(Path.of(ref));
        }
        Path direct = runsDir.resolve(ref);
        if (Files.isDirectory(direct)) {
            return RunFolder.open(direct);
        }
        List<String> ids = subFolders().stream().map(p -> p.getFileName().toString()).toList();
        List<String> matches = ids.stream().filter(id -> id.startsWith(ref) || id.endsWith(ref)).toList();
        if (matches.isEmpty()) {
            // then any unique part, such as the time of day: "071530"
            matches = ids.stream().filter(id -> id.contains(ref)).toList();
        }
        if (matches.size() == 1) {
            return RunFolder.open(runsDir.resolve(matches.get(0)));
        }
        if (matches.size() > 1) {
            throw new UserException("'" + ref + "' matches " + matches.size() + " runs in " + runsDir + ": "
                    + String.join(", ", matches.stream().limit(5).toList())
                    + (matches.size() > 5 ? ", ..." : "") + "; give more of the id");
        }
        if (Files.isDirectory(Path.of(ref))) {
            return RunFolder.open(Path.of(ref));
        }
        List<String> close = closeMatches(ref, ids);
        throw new UserException("no run '" + ref + "' in " + runsDir
                + (close.isEmpty() ? (ids.isEmpty() ? " (it has no runs)" : "")
                        : "; did you mean " + String.join(", ", close) + "?"));
    }

    /** Up to three ids that contain {@code ref} or whose name part is a few edits away from it, closest first. */
    static List<String> closeMatches(String ref, List<String> ids) {
        String r = ref.toLowerCase(Locale.ROOT);
        record Scored(String id, int score) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String id : ids) {
            String lower = id.toLowerCase(Locale.ROOT);
            String label = new RunId(id).label().toLowerCase(Locale.ROOT);
            int d = lower.contains(r) ? 0 : Math.min(editDistance(r, label), editDistance(r, lower));
            if (d <= Math.max(2, r.length() / 3)) {
                scored.add(new Scored(id, d));
            }
        }
        return scored.stream()
                .sorted(Comparator.comparingInt(Scored::score).thenComparing(Scored::id, Comparator.reverseOrder()))
                .limit(MAX_SUGGESTIONS).map(Scored::id).toList();
    }

    static int editDistance(String a, String b) {
        return org.lorastudio.util.EditDistance.of(a, b);
    }

    private List<Path> subFolders() {
        try (Stream<Path> s = Files.list(runsDir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isDirectory)
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UserException("cannot list runs folder " + runsDir + ": " + e.getMessage(), e);
        }
    }
}
