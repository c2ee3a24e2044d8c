package org.lorastudio.notes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

import org.lorastudio.run.RunFolder;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.UserException;

/**
 * Saves a run's {@code notes.md} as the notes editor does, so the studio and the durability tests go through one
 * path. The write is atomic (a kill leaves the old or the new notes); a version that changed on disk since the
 * editor loaded it (the trainer appends the results when a run ends) is kept next to it instead of being lost.
 */
public final class NotesFile {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss", Locale.ROOT);

    private NotesFile() {
    }

    /**
     * Writes {@code notes} to the {@code notes.md} of the run in {@code runDir}.
     *
     * @param expected what the editor last loaded or saved; when the file now holds something else (and not
     *                 {@code notes}), that version is first saved as {@code notes.conflict-<time>.md}. Null skips
     *                 the check
     * @return the conflict copy, when one was made
     * @throws UserException when the notes cannot be written (disk full, read-only, another I/O error); the
     *                       message names the file and the previous version is intact
     */
    public static Optional<Path> save(Path runDir, String notes, String expected) {
        Path file = RunFolder.open(runDir).notesFile();
        try {
            Path backup = null;
            String onDisk = Files.exists(file) ? Files.readString(file) : "";
            if (expected != null && !onDisk.equals(expected) && !onDisk.equals(notes)) {
                backup = runDir.resolve("notes.conflict-" + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".md");
                AtomicFiles.writeString(backup, onDisk);
            }
            AtomicFiles.writeString(file, notes);
            return Optional.ofNullable(backup);
        } catch (IOException e) {
            throw new UserException("cannot save " + file + ": " + e.getMessage()
                    + "; the previous version is kept — check the folder and save again", e);
        }
    }
}
