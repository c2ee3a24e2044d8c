package org.lorastudio.dataset;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lorastudio.util.UserException;

/**
 * Lists a dataset folder: images directly in it, plus one level of kohya-style {@code N_name} subfolders whose
 * images count N times per epoch; the captions from its {@link CaptionStore}; and each image's size from its
 * header only (no pixel decoding, so a 10,000-image folder scans in seconds). Names starting with '.' are skipped
 * (macOS {@code ._a.png} resource forks look like images but are not). Files that are links resolving outside the
 * folder are reported and never read.
 */
public final class DatasetScanner {
    /** kohya's {@code 10_cyberpunk}: repeat count, underscore, concept name. */
    private static final Pattern KOHYA_FOLDER = Pattern.compile("(\\d+)_(.+)");

    private DatasetScanner() {
    }

    /** Scans a folder with captions from metadata in it or from {@code .txt} files. */
    public static Dataset scan(Path dir) throws IOException {
        return scan(dir, Optional.empty());
    }

    /**
     * Scans a folder.
     *
     * @param metadata an explicit {@code metadata.csv}/{@code .jsonl}, which wins over anything in the folder
     * @throws UserException when the folder is missing or the caption source is ambiguous
     */
    public static Dataset scan(Path dir, Optional<Path> metadata) throws IOException {
        return scan(CaptionStore.open(dir, metadata));
    }

    /** Scans the folder of an open caption store (the studio keeps the store for editing). */
    public static Dataset scan(CaptionStore store) throws IOException {
        return new Scan(store).run();
    }

    /** The repeat count of a kohya folder name such as {@code 10_cat}; empty when the name has none. */
    static Optional<Integer> repeatsOf(String folderName) {
        Matcher m = KOHYA_FOLDER.matcher(folderName);
        if (!m.matches() || m.group(1).length() > 6) {
            return Optional.empty();
        }
        int n = Integer.parseInt(m.group(1));
        return n >= 1 ? Optional.of(n) : Optional.empty();
    }

    /** State of one scan. */
    private static final class Scan {
        private final CaptionStore store;
        private final Path root;
        private final Path realRoot;
        private final List<DatasetProblem> problems = new ArrayList<>();
        private final Map<String, Candidate> images = new TreeMap<>();
        private final List<Path> textFiles = new ArrayList<>();
        private final List<String> unusedFolders = new ArrayList<>();
        /** Names already reported as links leading outside, so that reading their caption is not reported again. */
        private final Set<String> escaped = new HashSet<>();

        private record Candidate(Path path, ImageFormat format, int repeats) {
        }

        Scan(CaptionStore store) throws IOException {
            this.store = store;
            this.root = store.root();
            this.realRoot = root.toRealPath();
            problems.addAll(store.problems());
        }

        Dataset run() throws IOException {
            for (Path entry : sortedEntries(root)) {
                String fileName = entry.getFileName().toString();
                if (Files.isDirectory(entry)) {
                    visitSubfolder(entry, fileName);
                } else {
                    collect(entry, 1);
                }
            }
            for (Path listed : store.listedImages()) {
                String name = DatasetPaths.relativeName(root, listed);
                if (!images.containsKey(name)) {
                    int slash = name.indexOf('/');
                    int repeats = slash < 0 ? 1 : repeatsOf(name.substring(0, slash)).orElse(1);
                    ImageFormat format = ImageFormat.fromFileName(name).orElseThrow();
                    images.put(name, new Candidate(listed, format, repeats));
                }
            }
            for (String folder : unusedFolders) {
                if (images.keySet().stream().noneMatch(name -> name.startsWith(folder + "/"))) {
                    problems.add(new DatasetProblem(ProblemKind.IGNORED_FILES, folder + "/",
                            "subfolder is not used: subfolders are read only when named N_name with N the repeat "
                                    + "count (for example 10_" + folder + ") or when a metadata file lists them"));
                }
            }
            List<DatasetItem> items = new ArrayList<>();
            for (Map.Entry<String, Candidate> e : images.entrySet()) {
                items.add(item(e.getKey(), e.getValue()));
            }
            checkCaptionFiles();
            problems.sort(DatasetProblem.REPORT_ORDER);
            return new Dataset(root, store.source(), store.metadataFile(), items, problems);
        }

        private void visitSubfolder(Path dir, String fileName) throws IOException {
            Optional<Integer> repeats = repeatsOf(fileName);
            boolean inside = DatasetPaths.staysInside(dir, realRoot);
            if (repeats.isEmpty()) {
                if (inside && containsImage(dir)) {
                    unusedFolders.add(fileName);
                }
                return;
            }
            if (!inside) {
                problems.add(new DatasetProblem(ProblemKind.PATH_ESCAPE, fileName + "/",
                        "is a link to a folder outside the dataset folder and was not read; copy the images in"));
                return;
            }
            for (Path entry : sortedEntries(dir)) {
                if (!Files.isDirectory(entry)) {
                    collect(entry, repeats.get());
                }
            }
        }

        private void collect(Path file, int repeats) throws IOException {
            String fileName = file.getFileName().toString();
            Optional<ImageFormat> format = ImageFormat.fromFileName(fileName);
            String name = DatasetPaths.relativeName(root, file);
            boolean isText = fileName.toLowerCase(Locale.ROOT).endsWith(".txt");
            if (format.isEmpty() && !isText) {
                return;
            }
            if (Files.isSymbolicLink(file) && !DatasetPaths.staysInside(file, realRoot)) {
                escaped.add(name);
                problems.add(new DatasetProblem(ProblemKind.PATH_ESCAPE, name, "is a link to a file outside the "
                        + "dataset folder (or a broken link) and was not read; copy the file into the folder"));
                return;
            }
            if (format.isPresent() && Files.isRegularFile(file)) {
                images.put(name, new Candidate(file, format.get(), repeats));
            } else if (isText && Files.isRegularFile(file)) {
                textFiles.add(file);
            }
        }

        private DatasetItem item(String name, Candidate c) {
            Optional<ImageSize> size = Optional.empty();
            try {
                size = Optional.of(ImageProbe.readSize(c.path()));
            } catch (IOException e) {
                problems.add(new DatasetProblem(ProblemKind.UNREADABLE_IMAGE, name, "cannot read the image header ("
                        + e.getMessage() + "); re-export the image or remove it"));
            }
            Optional<String> caption = Optional.empty();
            try {
                caption = store.read(c.path());
            } catch (IOException | UserException e) {
                String captionName = store.source() == CaptionSource.TXT_FILES
                        ? DatasetPaths.relativeName(root, TxtCaptionStore.captionPath(c.path())) : name;
                if (!escaped.contains(captionName)) {
                    problems.add(new DatasetProblem(ProblemKind.UNREADABLE_CAPTION, captionName, e.getMessage()));
                }
            }
            return new DatasetItem(c.path(), name, c.format(), c.repeats(), size, caption);
        }

        /** Orphan, shared and ignored {@code .txt} files. */
        private void checkCaptionFiles() {
            Map<Path, List<String>> imagesByCaption = new LinkedHashMap<>();
            for (Map.Entry<String, Candidate> e : images.entrySet()) {
                imagesByCaption.computeIfAbsent(TxtCaptionStore.captionPath(e.getValue().path()),
                        k -> new ArrayList<>()).add(e.getKey());
            }
            List<String> ignored = new ArrayList<>();
            for (Path text : textFiles) {
                String name = DatasetPaths.relativeName(root, text);
                List<String> users = imagesByCaption.get(text);
                if (users == null) {
                    problems.add(new DatasetProblem(ProblemKind.ORPHAN_CAPTION, name, "caption file has no image "
                            + "with the same name; delete it or restore its image"));
                } else if (store.source() != CaptionSource.TXT_FILES) {
                    ignored.add(name);
                } else if (users.size() > 1) {
                    problems.add(new DatasetProblem(ProblemKind.SHARED_CAPTION, name, "is the caption of "
                            + String.join(" and ", users) + "; give each image its own name and caption file"));
                }
            }
            if (!ignored.isEmpty()) {
                String metadata = store.metadataFile().map(p -> p.getFileName().toString()).orElse("metadata");
                problems.add(new DatasetProblem(ProblemKind.IGNORED_FILES, metadata, ignored.size()
                        + " .txt caption file(s) are ignored because captions come from " + metadata + " (first: "
                        + ignored.get(0) + "); move the captions into " + metadata + " or remove it"));
            }
        }

        /** Whether a folder holds an image file of its own (links leading outside do not count). */
        private boolean containsImage(Path dir) throws IOException {
            for (Path entry : sortedEntries(dir)) {
                if (ImageFormat.fromFileName(entry.getFileName().toString()).isPresent() && Files.isRegularFile(entry)
                        && (!Files.isSymbolicLink(entry) || DatasetPaths.staysInside(entry, realRoot))) {
                    return true;
                }
            }
            return false;
        }

        /** Entries in name order, without names starting with '.' (hidden files, resource forks). */
        private static List<Path> sortedEntries(Path dir) throws IOException {
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                for (Path p : stream) {
                    if (!p.getFileName().toString().startsWith(".")) {
                        entries.add(p);
                    }
                }
            }
            entries.sort(null);
            return entries;
        }
    }
}
