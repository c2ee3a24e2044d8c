package org.lorastudio.ui.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.lorastudio.bench.MemoryEstimate;
import org.lorastudio.config.ConfigPath;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.ModelType;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Config screen's two derived sentences: the step arithmetic (images or examples counted once per data folder
 * on the IO thread) and the expected peak memory (the newest request wins).
 */
final class ConfigEstimates {
    private final TaskExecutor io;
    private final StringProperty steps = new SimpleStringProperty("");
    private final StringProperty memory = new SimpleStringProperty("");
    private final Map<Path, int[]> datasetCounts = new HashMap<>();
    private final List<Path> counting = new ArrayList<>();
    private long memoryRequest;
    private ConfigReport last;

    ConfigEstimates(TaskExecutor io) {
        this.io = io;
    }

    ReadOnlyStringProperty steps() {
        return steps;
    }

    ReadOnlyStringProperty memory() {
        return memory;
    }

    /** Recomputes both for the document's latest check. */
    void update(ConfigReport r) {
        last = r;
        updateSteps(r);
        updateMemoryEstimate(r);
    }

    /** Forgets image counts, e.g. after the Datasets screen changed a folder. */
    void recount(ConfigReport r) {
        last = r;
        datasetCounts.clear();
        updateSteps(r);
    }

    private void updateSteps(ConfigReport r) {
        if (r.loaded().isEmpty()) {
            steps.set("Fix the errors listed below to see the step count.");
            return;
        }
        TrainingConfig c = r.loaded().get().config();
        Path data = c.trainDataDir().resolved();
        boolean text = c.modelType() == ModelType.LLM; // a data file (or folder) of examples, not images
        int[] counts = datasetCounts.get(data);
        if (counts != null) {
            steps.set(counts[0] < 0 ? "The data " + (text ? "file " : "folder ") + data
                    + " does not exist; check train_data_dir."
                    : text ? StepArithmetic.describe(c, counts[0], counts[1], "examples")
                    : StepArithmetic.describe(c, counts[0], counts[1]));
            return;
        }
        steps.set("Counting the " + (text ? "examples" : "images") + " in " + data.getFileName() + " …");
        if (counting.contains(data)) {
            return;
        }
        counting.add(data);
        Optional<Path> metadata = c.metadataPath().map(ConfigPath::resolved);
        io.submit(() -> {
            if (text) {
                if (!Files.exists(data)) {
                    return new int[] {-1, -1};
                }
                int n = org.lorastudio.llm.LlmDataReader.read(data).examples().size();
                return new int[] {n, n};
            }
            if (!Files.isDirectory(data)) {
                return new int[] {-1, -1};
            }
            Dataset d = DatasetScanner.scan(data, metadata);
            return new int[] {d.items().size(), d.trainingItemsPerEpoch()};
        }, n -> {
            counting.remove(data);
            datasetCounts.put(data, n);
            updateSteps(last);
        }, e -> {
            counting.remove(data);
            steps.set("Cannot count the images: " + Messages.plain(e));
        });
    }

    /** Computes the memory estimate on the IO thread (it reads the model's config files); the newest request wins. */
    private void updateMemoryEstimate(ConfigReport r) {
        long request = ++memoryRequest;
        if (r.loaded().isEmpty()) {
            memory.set("");
            return;
        }
        TrainingConfig c = r.loaded().get().config();
        io.submit(() -> MemoryEstimate.of(c), estimate -> {
            if (request == memoryRequest) {
                memory.set(estimate.map(e -> "Expected peak memory " + e.describe()
                                + (c.gradientCheckpointing() ? "" : "; gradient_checkpointing: true lowers it"))
                        .orElse(""));
            }
        }, e -> {
            if (request == memoryRequest) {
                memory.set("No memory estimate: " + Messages.plain(e));
            }
        });
    }
}
