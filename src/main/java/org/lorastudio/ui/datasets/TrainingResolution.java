package org.lorastudio.ui.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.lorastudio.dataset.DatasetChecker;

/**
 * The side below which the Datasets screen calls an image too small: the training resolution of the active config;
 * before one is chosen, that of the config the Config screen opens first ({@code workspace/configs/demo.yaml}, then
 * the shipped {@code resources/configs/demo.yaml}); SD 1.5's 512 only when no config can be read. So the 64 px demo
 * set is not flagged against a 512 it will never be trained at.
 */
final class TrainingResolution {
    private TrainingResolution() {
    }

    /** Reads config files: call it off the FX thread. */
    static int of(Path workspace, Optional<Path> activeConfig) {
        List<Path> candidates = new ArrayList<>();
        activeConfig.ifPresent(candidates::add);
        Path ws = workspace.toAbsolutePath().normalize();
        candidates.add(ws.resolve("configs").resolve("demo.yaml"));
        candidates.add(ws.resolveSibling("resources").resolve("configs").resolve("demo.yaml"));
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                Optional<Integer> r = TokenizerLocator.resolution(Optional.of(c));
                if (r.isPresent()) {
                    return r.get();
                }
            }
        }
        return DatasetChecker.DEFAULT_RESOLUTION;
    }
}
