package org.lorastudio.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.eclipse.jgit.api.AddCommand;
import org.eclipse.jgit.api.CommitCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.StatusCommand;
import org.eclipse.jgit.api.errors.EmptyCommitException;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.JGitInternalException;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.UserConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.report.LossCurvePlot;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * The workspace as a Git repository (issue 5; JGit, so no {@code git} program is needed): every finished run can
 * be committed with its config, notes, provenance, metrics, samples and loss plot, so {@code git log} is the lab
 * notebook's history and {@code git diff} shows how the understanding of a run changed. Weights never go in: the
 * {@code .gitignore} written by {@link #init} keeps them out, and the commit lists only the run's documents anyway
 * ({@link #documents}); {@code runs export --with-weights} is how weights travel.
 *
 * <p>Only {@code workspace/.git} itself counts as the repository: a workspace inside another repository (the
 * studio's own checkout) is not a repository here, so runs never end up in the wrong history.
 */
public final class RunArchive {
    /** Run files that are documents and belong in Git, besides everything in {@code samples/}. */
    static final List<String> DOCUMENT_FILES = List.of(RunFolder.CONFIG_FILE, RunFolder.NOTES_FILE,
            RunRecord.FILE_NAME, MetricsLog.FILE_NAME, LossCurvePlot.FILE_NAME);

    /** What the workspace repository ignores: weights, resumable state and temporary files. */
    static final List<String> IGNORED = List.of("*.safetensors", "*.ckpt", "*.pt", "*.pth", "*.bin",
            "checkpoints/", ".*.tmp");

    private static final String IDENT_NAME = "LoRA Studio";

    private RunArchive() {
    }

    /**
     * One commit.
     *
     * @param id full commit id
     * @param time commit time
     * @param message full message
     * @param files paths in the commit's tree under the run folder (for {@link #commit} results), else empty
     */
    public record CommitInfo(String id, Instant time, String message, List<String> files) {
        public CommitInfo {
            files = List.copyOf(files);
        }

        public String shortId() {
            return id.substring(0, Math.min(7, id.length()));
        }

        /** The first line of the message. */
        public String subject() {
            int nl = message.indexOf('\n');
            return nl < 0 ? message : message.substring(0, nl);
        }
    }

    /** True when {@code workspace/.git} is a Git repository. */
    public static boolean isRepository(Path workspace) {
        return Files.isDirectory(workspace.resolve(Constants.DOT_GIT).resolve("objects"));
    }

    /**
     * Makes {@code workspace} a Git repository ({@code runs git init}), or completes an existing one: writes the
     * {@code .gitignore} lines that keep weights out (keeping the user's own lines), the workspace settings with
     * {@code auto_commit}, and commits both. Returns true when a new repository was created.
     */
    public static boolean init(Path workspace, boolean autoCommit) throws IOException {
        Files.createDirectories(workspace);
        boolean created = !isRepository(workspace);
        try (Git git = created ? Git.init().setDirectory(workspace.toFile()).setInitialBranch("main").call()
                : Git.open(workspace.toFile())) {
            writeGitignore(workspace);
            new WorkspaceSettings(autoCommit).write(workspace);
            String settings = WorkspaceSettings.DIR + "/" + WorkspaceSettings.FILE;
            git.add().addFilepattern(Constants.GITIGNORE_FILENAME).addFilepattern(settings).call();
            commit(git, "LoRA Studio workspace: ignore weights, auto_commit " + autoCommit,
                    List.of(Constants.GITIGNORE_FILENAME, settings));
        } catch (GitAPIException e) {
            throw new IOException("git init of " + workspace + " failed: " + e.getMessage(), e);
        }
        return created;
    }

    /**
     * The trainer's call when a run has ended (completed, stopped or failed): commits the run's documents when the
     * workspace is a repository and its settings say {@code git.auto_commit: true}; otherwise does nothing.
     *
     * @return the commit, or empty when disabled, not a repository, or nothing changed
     * @throws IOException when Git fails (the run itself is complete; the caller logs this)
     */
    public static Optional<CommitInfo> onRunFinished(Path workspace, RunFolder run) throws IOException {
        if (!isRepository(workspace) || !WorkspaceSettings.read(workspace).gitAutoCommit()) {
            return Optional.empty();
        }
        return commit(workspace, run, message(run));
    }

    /**
     * Commits the run's documents ({@code runs commit}) with {@code message}; only those files go into the commit,
     * whatever else is staged. Empty when nothing changed since the last commit.
     *
     * @throws UserException when the workspace is not a repository or the run is outside it
     */
    public static Optional<CommitInfo> commit(Path workspace, RunFolder run, String message) throws IOException {
        requireRepository(workspace);
        String prefix = relative(workspace, run);
        List<String> files = new ArrayList<>();
        for (Path p : documents(run)) {
            files.add(prefix + "/" + run.dir().relativize(p).toString().replace('\\', '/'));
        }
        try (Git git = Git.open(workspace.toFile())) {
            AddCommand add = git.add();
            files.forEach(add::addFilepattern);
            add.call();
            // files deleted since the last commit (a sample removed by hand) are recorded too
            Set<String> tracked = trackedUnder(git.getRepository(), prefix + "/");
            List<String> only = new ArrayList<>(files);
            for (String t : tracked) {
                if (!files.contains(t) && !Files.exists(workspace.resolve(t)) && !isWeight(t)) {
                    git.rm().setCached(true).addFilepattern(t).call();
                    only.add(t);
                }
            }
            Optional<RevCommit> c = commit(git, message, only);
            return c.map(rc -> new CommitInfo(rc.getName(), rc.getAuthorIdent().getWhenAsInstant(),
                    rc.getFullMessage(), treeFiles(git.getRepository(), rc, prefix + "/")));
        } catch (GitAPIException e) {
            throw new IOException("git commit of run " + run.id() + " failed: " + e.getMessage(), e);
        }
    }

    /** The commits that touched the run's folder, newest first ({@code runs history}). */
    public static List<CommitInfo> history(Path workspace, RunFolder run) throws IOException {
        requireRepository(workspace);
        String prefix = relative(workspace, run);
        List<CommitInfo> out = new ArrayList<>();
        try (Git git = Git.open(workspace.toFile())) {
            if (git.getRepository().resolve(Constants.HEAD) == null) {
                return out;
            }
            for (RevCommit c : git.log().addPath(prefix).call()) {
                out.add(new CommitInfo(c.getName(), c.getAuthorIdent().getWhenAsInstant(), c.getFullMessage(),
                        List.of()));
            }
        } catch (GitAPIException e) {
            throw new IOException("git log of run " + run.id() + " failed: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The commit message of a finished run: the semantic name and the key figures on the first line
     * ({@code cyberpunk_r16_lr1.5e-4_ep15: completed, 900 steps, final loss 0.083}), the run id below.
     */
    public static String message(RunFolder run) {
        RunRecord r = run.record();
        FinalMetrics m = r.finalMetrics();
        StringBuilder sb = new StringBuilder(semanticName(run, r)).append(": ").append(r.status().label())
                .append(", ").append(r.stepsDone()).append(" steps");
        if (m != null && m.finalLoss() != null) {
            sb.append(", final loss ").append(String.format(Locale.ROOT, "%.3g", m.finalLoss()));
        }
        if (r.error() != null) {
            sb.append(" (").append(r.error().lines().findFirst().orElse("")).append(')');
        }
        return sb.append("\n\nRun ").append(r.id()).append(" (").append(r.name()).append(")\n").toString();
    }

    /**
     * The files of a run that belong in Git: {@link #DOCUMENT_FILES} that exist and every file under
     * {@code samples/}; never a weight file or anything under {@code checkpoints/}.
     */
    public static List<Path> documents(RunFolder run) throws IOException {
        Set<Path> files = new LinkedHashSet<>();
        for (String name : DOCUMENT_FILES) {
            Path p = run.dir().resolve(name);
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        if (Files.isDirectory(run.samplesDir())) {
            try (Stream<Path> walk = Files.walk(run.samplesDir())) {
                walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).forEach(files::add);
            }
        }
        return files.stream().filter(p -> !isWeight(run.dir().relativize(p).toString().replace('\\', '/')))
                .toList();
    }

    /** Weights and resumable state: never committed, exported only on request. */
    static boolean isWeight(String relPath) {
        String lower = relPath.toLowerCase(Locale.ROOT);
        return lower.endsWith(".safetensors") || lower.endsWith(".ckpt") || lower.endsWith(".pt")
                || lower.endsWith(".pth") || lower.endsWith(".bin") || lower.startsWith("checkpoints/")
                || lower.contains("/checkpoints/");
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Optional<RevCommit> commit(Git git, String message, List<String> only) throws GitAPIException {
        CommitCommand commit = git.commit().setMessage(message).setAllowEmpty(false).setSign(false);
        try {
            if (git.getRepository().resolve(Constants.HEAD) != null) {
                if (!hasStagedChanges(git, only)) {
                    return Optional.empty();
                }
                only.forEach(commit::setOnly);
            }
            applyDefaultIdentity(git.getRepository(), commit);
            return Optional.of(commit.call());
        } catch (EmptyCommitException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JGitInternalException(e.getMessage(), e);
        }
    }

    /** True when the index differs from HEAD in one of {@code paths} (they were just added or removed). */
    private static boolean hasStagedChanges(Git git, List<String> paths) throws GitAPIException {
        StatusCommand status = git.status();
        paths.forEach(status::addPath);
        Status s = status.call();
        Set<String> wanted = Set.copyOf(paths);
        return Stream.of(s.getAdded(), s.getChanged(), s.getRemoved()).flatMap(Set::stream).anyMatch(wanted::contains);
    }

    /** Uses the user's Git identity when configured, else "LoRA Studio" rather than the OS account name. */
    private static void applyDefaultIdentity(Repository repo, CommitCommand commit) {
        UserConfig user = repo.getConfig().get(UserConfig.KEY);
        if (user.isAuthorNameImplicit() || user.isAuthorEmailImplicit()) {
            PersonIdent ident = new PersonIdent(
                    user.isAuthorNameImplicit() ? IDENT_NAME : user.getAuthorName(),
                    user.isAuthorEmailImplicit() ? "lorastudio@localhost" : user.getAuthorEmail());
            commit.setAuthor(ident).setCommitter(ident);
        }
    }

    private static Set<String> trackedUnder(Repository repo, String prefix) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        DirCache dc = repo.readDirCache();
        for (int i = 0; i < dc.getEntryCount(); i++) {
            String p = dc.getEntry(i).getPathString();
            if (p.startsWith(prefix)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> treeFiles(Repository repo, RevCommit c, String prefix) {
        List<String> out = new ArrayList<>();
        try (TreeWalk tw = new TreeWalk(repo)) {
            tw.addTree(c.getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                if (tw.getPathString().startsWith(prefix)) {
                    out.add(tw.getPathString());
                }
            }
        } catch (IOException e) {
            throw new UserException("cannot read commit " + c.getName() + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String semanticName(RunFolder run, RunRecord r) {
        try {
            return ConfigLoader.load(run.configText(), RunFolder.CONFIG_FILE, run.dir(), List.of()).config()
                    .semanticName();
        } catch (UserException e) {
            return r.name(); // a config this studio cannot read any more still gets committed, under its name
        }
    }

    private static void requireRepository(Path workspace) {
        if (!isRepository(workspace)) {
            throw new UserException(workspace + " is not a Git repository; run 'lorastudio runs git init' first");
        }
    }

    private static String relative(Path workspace, RunFolder run) {
        Path ws = workspace.toAbsolutePath().normalize();
        Path dir = run.dir().toAbsolutePath().normalize();
        if (!dir.startsWith(ws) || dir.equals(ws)) {
            throw new UserException("run folder " + dir + " is outside the workspace repository " + ws
                    + "; only runs inside it can be committed");
        }
        return ws.relativize(dir).toString().replace('\\', '/');
    }

    private static void writeGitignore(Path workspace) throws IOException {
        Path file = workspace.resolve(Constants.GITIGNORE_FILENAME);
        String existing;
        try {
            existing = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            existing = "";
        }
        Set<String> present = new LinkedHashSet<>(existing.lines().map(String::strip).toList());
        StringBuilder sb = new StringBuilder(existing);
        if (!existing.isEmpty() && !existing.endsWith("\n")) {
            sb.append('\n');
        }
        boolean header = false;
        for (String pattern : IGNORED) {
            if (!present.contains(pattern)) {
                if (!header) {
                    sb.append(existing.isEmpty() ? "" : "\n").append("# LoRA Studio: weights and resumable state stay")
                            .append(" out of Git (runs export --with-weights packs them)\n");
                    header = true;
                }
                sb.append(pattern).append('\n');
            }
        }
        AtomicFiles.writeString(file, sb.toString());
    }
}
