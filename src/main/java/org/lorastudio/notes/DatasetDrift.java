package org.lorastudio.notes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.run.DatasetSnapshot;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

/**
 * Whether a run's data set has changed since the run read it (issue 9 item 7): the run's
 * {@link DatasetSnapshot} against a fresh scan of the folder its config names. Captions edited in the studio while
 * a run trains do not change that run, but months later its notes must not pretend the folder still holds what it
 * trained on.
 */
public final class DatasetDrift {
    /** How the line starts in the notes' Data section (and how an older one is found and replaced). */
    static final String LINE_PREFIX = "- **Dataset changed since this run:** ";

    private DatasetDrift() {
    }

    /** The snapshot of a scanned data set: every item with the SHA-256 of its image and its caption. */
    public static DatasetSnapshot snapshot(Dataset dataset) throws IOException {
        List<DatasetSnapshot.Item> items = new ArrayList<>();
        for (DatasetItem item : dataset.items()) {
            items.add(new DatasetSnapshot.Item(item.name(), item.repeats(), Hashing.sha256(item.image()),
                    item.caption().orElse(null)));
        }
        return new DatasetSnapshot(items);
    }

    /**
     * The difference between what {@code run} trained on and its data set folder now; empty when the run has no
     * snapshot (an LLM run, or a run older than snapshots).
     *
     * @throws UserException when the data set can no longer be read (the message says why)
     */
    public static Optional<DatasetSnapshot.Drift> of(RunFolder run) throws IOException {
        Optional<DatasetSnapshot> then = DatasetSnapshot.read(run.dir().resolve(DatasetSnapshot.FILE_NAME));
        if (then.isEmpty()) {
            return Optional.empty();
        }
        TrainingConfig config = TrainingConfig.fromYaml(run.configFile());
        Dataset now = DatasetScanner.scan(config.trainDataDir().resolved(),
                config.metadataPath().map(p -> p.resolved()));
        return Optional.of(then.get().compare(snapshot(now)));
    }

    /** {@code Dataset changed since this run: 3 captions differ}, or empty when nothing changed. */
    public static Optional<String> line(RunFolder run) throws IOException {
        try {
            return of(run).filter(d -> !d.none()).map(d -> "Dataset changed since this run: " + d.describe());
        } catch (UserException e) {
            return Optional.of("Dataset changed since this run: it cannot be read (" + e.getMessage() + ")");
        }
    }
}
