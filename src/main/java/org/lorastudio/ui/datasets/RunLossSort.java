package org.lorastudio.ui.datasets;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.SortedList;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Datasets screen's "sort by the loss of a run" (issue 16): which runs trained on the open folder and left a
 * {@code per_image_loss.json}, the chosen run's mean loss per image, and the grid order it gives (highest loss
 * first, images the run did not train on last, in name order). Kept apart from {@link DatasetsViewModel}, which
 * only hands over its sorted list and the folder it opens.
 */
public final class RunLossSort {
    private final Path workspace;
    private final TaskExecutor io;
    private final SortedList<ImageEntry> sorted;
    private final ObservableList<Path> runs = FXCollections.observableArrayList();
    private final ObjectProperty<Path> run = new SimpleObjectProperty<>();
    private final ObjectProperty<Map<String, Double>> losses = new SimpleObjectProperty<>(Map.of());
    private Consumer<Throwable> errors = e -> { };

    RunLossSort(Path workspace, TaskExecutor io, SortedList<ImageEntry> sorted) {
        this.workspace = workspace;
        this.io = io;
        this.sorted = sorted;
        run.addListener((o, a, b) -> load(b));
    }

    void onErrors(Consumer<Throwable> sink) {
        this.errors = sink;
    }

    /** Runs of the open folder with per-image losses, newest folder name last (run ids sort by time). */
    public ObservableList<Path> runs() {
        return runs;
    }

    /** The run whose losses order the grid; null for name order. */
    public ObjectProperty<Path> runProperty() {
        return run;
    }

    public ReadOnlyObjectProperty<Map<String, Double>> lossesProperty() {
        return losses;
    }

    /** The text next to an image's caption: its mean loss in the chosen run, or empty. */
    public String label(ImageEntry e) {
        Double v = losses.get().get(e.name());
        return v == null ? "" : String.format(Locale.ROOT, "loss %.4f", v);
    }

    /** Lists the runs of {@code datasetRoot} in the background; a run no longer among them is deselected. */
    void datasetOpened(Path datasetRoot) {
        io.submit(() -> runsOf(workspace.resolve("runs"), datasetRoot), list -> {
            runs.setAll(list);
            if (run.get() != null && !list.contains(run.get())) {
                run.set(null);
            }
        }, errors::accept);
    }

    private void load(Path runDir) {
        if (runDir == null) {
            losses.set(Map.of());
            sorted.setComparator(null);
            return;
        }
        io.submit(() -> PerImageLoss.read(runDir).map(PerImageLoss.Snapshot::meanByImage).orElse(Map.of()), m -> {
            if (runDir.equals(run.get())) {
                losses.set(m);
                sorted.setComparator(order(m));
            }
        }, errors::accept);
    }

    /** Highest loss first; images without a loss after them, by name. */
    static Comparator<ImageEntry> order(Map<String, Double> loss) {
        return Comparator.<ImageEntry, Double>comparing(e -> loss.getOrDefault(e.name(), Double.NEGATIVE_INFINITY))
                .reversed().thenComparing(ImageEntry::name);
    }

    /** Run folders under {@code runsDir} whose config trains on {@code datasetRoot} and that have per-image losses. */
    static List<Path> runsOf(Path runsDir, Path datasetRoot) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(runsDir)) {
            return out;
        }
        Path root = datasetRoot.toAbsolutePath().normalize();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(runsDir)) {
            for (Path dir : stream) {
                if (Files.isRegularFile(dir.resolve(PerImageLoss.FILE_NAME)) && trainsOn(dir, root)) {
                    out.add(dir);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static boolean trainsOn(Path runDir, Path root) {
        try {
            TrainingConfig c = TrainingConfig.fromYaml(runDir.resolve("config.yaml"));
            return c.trainDataDir().resolved().toAbsolutePath().normalize().equals(root);
        } catch (RuntimeException e) {
            return false; // a run with a broken config is not offered; the Runs screen names the problem
        }
    }
}
