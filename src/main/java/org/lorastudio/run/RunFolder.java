package org.lorastudio.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * One run's folder, {@code <runs_dir>/<run-id>/} (SPEC §5): the resolved {@code config.yaml}, the user's
 * {@code notes.md}, the {@code run.json} provenance, the {@code metrics.jsonl} log, {@code samples/},
 * {@code checkpoints/} and the LoRA files. This class knows the layout; it holds no state beyond the path, so
 * every accessor reads the current files.
 */
public final class RunFolder {
    public static final String CONFIG_FILE = "config.yaml";
    public static final String NOTES_FILE = "notes.md";
    public static final String SAMPLES_DIR = "samples";
    public static final String CHECKPOINTS_DIR = "checkpoints";
    /** Extension of LoRA weight files. */
    public static final String LORA_EXTENSION = ".safetensors";

    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** {@link #create(Path, String, String, String, Instant)} at the current time. */
    public static RunFolder create(Path runsDir, String name, String modelType, String configYaml) throws IOException {
        return create(runsDir, name, modelType, configYaml, Instant.now());
    }

    /**
     * Makes the folder of a new run in {@code runsDir} (created if needed): a fresh {@link RunId} from
     * {@code name} and {@code now}, the given resolved config text as {@code config.yaml}, notes from the
     * standard template, empty {@code samples/} and {@code checkpoints/}, and finally {@code run.json} with
     * status {@code running}. {@code run.json} is written last because its presence is what makes a folder a run;
     * if anything fails, what was made is removed again.
     */
    public static RunFolder create(Path runsDir, String name, String modelType, String configYaml, Instant now)
            throws IOException {
        Objects.requireNonNull(configYaml, "configYaml");
        Files.createDirectories(runsDir);
        Path dir;
        RunId id;
        while (true) {
            id = RunId.generate(name, now, candidate -> Files.exists(runsDir.resolve(candidate)));
            dir = runsDir.resolve(id.value());
            try {
                // createDirectory fails if the folder appeared since the check: two trainers started in the same
                // second each get their own folder.
                Files.createDirectory(dir);
                break;
            } catch (FileAlreadyExistsException e) {
                // taken by a concurrent start; generate the next free id
            }
        }
        RunFolder folder = new RunFolder(dir);
        boolean done = false;
        try {
            AtomicFiles.writeString(folder.configFile(), configYaml);
            String notes = NotesTemplate.standard()
                    .render(name, id.value(), LocalDate.ofInstant(now, ZoneOffset.UTC));
            AtomicFiles.writeString(folder.notesFile(), notes);
            Files.createDirectory(folder.samplesDir());
            Files.createDirectory(folder.checkpointsDir());
            RunRecord.create(id, name, modelType, now).write(folder.runJson());
            done = true;
        } finally {
            if (!done) {
                deleteQuietly(dir);
            }
        }
        return folder;
    }

    /** Opens an existing run folder; a {@link UserException} if it is not a folder or has no {@code run.json}. */
    public static RunFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserException(dir + " is not a folder: expected a run folder");
        }
        if (!Files.isRegularFile(dir.resolve(RunRecord.FILE_NAME))) {
            throw new UserException(dir + " has no " + RunRecord.FILE_NAME + ": it is not a run folder");
        }
        return new RunFolder(dir);
    }

    // ---- layout -------------------------------------------------------------------------------------------

    public Path dir() {
        return dir;
    }

    /** The id, which is the folder name. */
    public RunId id() {
        return new RunId(dir.getFileName().toString());
    }

    public Path configFile() {
        return dir.resolve(CONFIG_FILE);
    }

    public Path notesFile() {
        return dir.resolve(NOTES_FILE);
    }

    public Path runJson() {
        return dir.resolve(RunRecord.FILE_NAME);
    }

    public Path metricsFile() {
        return dir.resolve(MetricsLog.FILE_NAME);
    }

    public Path samplesDir() {
        return dir.resolve(SAMPLES_DIR);
    }

    public Path checkpointsDir() {
        return dir.resolve(CHECKPOINTS_DIR);
    }

    /**
     * Removes what writes interrupted by a crash ({@code kill -9}, power loss) left behind: temporary files of
     * atomic writes in the folder and in {@code samples/}, checkpoint folders still under their temporary
     * {@code .tmp-} name, and a checkpoint folder whose replacement was cut short (its {@code state.json}, the
     * part that makes it count, is deleted first). None of them was ever a finished file; without this they would pile up in a folder that
     * is resumed after every crash. Only for a run no process is writing to (the trainer calls it on resume).
     *
     * @return the number of entries removed
     */
    public int removeInterruptedWrites() throws IOException {
        int removed = 0;
        for (Path d : List.of(dir, samplesDir(), checkpointsDir())) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            List<Path> entries;
            try (Stream<Path> s = Files.list(d)) {
                entries = s.toList();
            }
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean atomicTemp = Files.isRegularFile(p) && AtomicFiles.isTemporary(p);
                boolean checkpointTemp = d.equals(checkpointsDir()) && Files.isDirectory(p) && (name.startsWith(".tmp-")
                        || name.startsWith("step-") && !Files.exists(p.resolve("state.json"))); // half deleted
                if (atomicTemp || checkpointTemp) {
                    deleteTree(p);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- contents -----------------------------------------------------------------------------------------

    /** The current {@code run.json}; a {@link UserException} naming the file if it is missing or corrupt. */
    public RunRecord record() {
        return RunRecord.read(runJson());
    }

    /** Replaces {@code run.json} atomically. */
    public void writeRecord(RunRecord record) throws IOException {
        if (!record.id().equals(id().value())) {
            throw new IllegalArgumentException("record of run " + record.id() + " written to folder " + dir);
        }
        FileErrors.writing(runJson(), () -> record.write(runJson()));
    }

    /** Reads {@code run.json}, applies {@code change} and writes the result atomically; returns it. */
    public RunRecord update(UnaryOperator<RunRecord> change) throws IOException {
        RunRecord updated = change.apply(record());
        writeRecord(updated);
        return updated;
    }

    /** The resolved config as trained; a {@link UserException} if it cannot be read. */
    public String configText() {
        return readText(configFile(), true);
    }

    /** The notes, or an empty string when the user deleted the file. */
    public String notesText() {
        return readText(notesFile(), false);
    }

    /** Every logged point (see {@link MetricsLog#read}). */
    public List<MetricPoint> metrics() {
        return MetricsLog.read(metricsFile());
    }

    /** Opens the metrics log for appending; the caller closes it. */
    public MetricsLog openMetricsLog() throws IOException {
        return MetricsLog.open(metricsFile());
    }

    /** The LoRA weight files ({@code *.safetensors}) directly in the folder, by name. */
    public List<Path> loraFiles() {
        return list(dir).stream()
                .filter(p -> p.getFileName().toString().endsWith(LORA_EXTENSION) && Files.isRegularFile(p))
                .toList();
    }

    /** Every entry directly in the folder, by name. */
    public List<Path> files() {
        return list(dir);
    }

    /** The number of regular files under {@code sub} (for example {@code samples}), 0 if it does not exist. */
    public long countFiles(String sub) {
        Path p = dir.resolve(sub);
        if (!Files.isDirectory(p)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            return walk.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            throw new UserException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path d) {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UserException("cannot list " + d + ": " + e.getMessage(), e);
        }
    }

    private static String readText(Path file, boolean required) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new UserException(file + " is missing: this run folder is incomplete");
            }
            return "";
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Best effort after a failed creation: the original exception is the one that matters, and a left-over
            // folder without run.json is listed as a warning, never as a run.
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunFolder other && other.dir.equals(dir);
    }

    @Override
    public int hashCode() {
        return dir.hashCode();
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
