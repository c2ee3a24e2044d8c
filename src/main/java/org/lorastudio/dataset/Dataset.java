package org.lorastudio.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The result of scanning a dataset folder: its images in stable (name) order with captions and repeats, and the
 * problems the scan itself found (metadata, paths, headers, caption files). {@link DatasetChecker} adds the
 * problems that need the image content.
 *
 * @param root         the dataset folder, absolute and normalised
 * @param source       where the captions came from
 * @param metadataFile the metadata file used, if any
 * @param items        images sorted by {@link DatasetItem#name()}
 * @param problems     problems found while scanning, in {@link DatasetProblem#REPORT_ORDER}
 */
public record Dataset(Path root, CaptionSource source, Optional<Path> metadataFile, List<DatasetItem> items,
                      List<DatasetProblem> problems) {
    public Dataset {
        items = List.copyOf(items);
        problems = List.copyOf(problems);
    }

    /** Images seen per epoch: each image times its repeats. */
    public int trainingItemsPerEpoch() {
        return items.stream().mapToInt(DatasetItem::repeats).sum();
    }

    public boolean hasErrors() {
        return problems.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }
}
