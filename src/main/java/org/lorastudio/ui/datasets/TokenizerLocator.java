package org.lorastudio.ui.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.LoadedConfig;
import org.lorastudio.model.clip.ClipTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a CLIP tokenizer for the caption token count: the tokenizer of the base model of the config in focus, the
 * demo model's, or {@code models/tokenizers/clip-vit-large-patch14}. Without one the count is hidden rather than
 * guessed.
 */
final class TokenizerLocator {
    private static final Logger LOG = LoggerFactory.getLogger(TokenizerLocator.class);

    private TokenizerLocator() {
    }

    /** Candidate folders, best first. */
    static List<Path> candidates(Path workspace, Optional<Path> config) {
        List<Path> out = new ArrayList<>();
        config.flatMap(TokenizerLocator::baseModel).ifPresent(base -> {
            out.add(base.resolve("tokenizer"));
            out.add(base);
            if (base.getParent() != null) {
                out.add(base.getParent().resolve("tokenizer"));
            }
        });
        Path models = workspace.toAbsolutePath().normalize().resolveSibling("models");
        out.add(models.resolve("demo").resolve("tokenizer"));
        out.add(models.resolve("tokenizers").resolve("clip-vit-large-patch14"));
        return out;
    }

    /** Loads the first usable tokenizer; does file I/O, so call it off the FX thread. */
    static Optional<ClipTokenizer> find(Path workspace, Optional<Path> config) {
        for (Path dir : candidates(workspace, config)) {
            if (Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"))) {
                try {
                    return Optional.of(ClipTokenizer.fromFolder(dir));
                } catch (RuntimeException e) {
                    LOG.warn("tokenizer in {} not usable: {}", dir, e.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /** The training resolution of a config, the "too small" threshold; empty when it cannot be read. */
    static Optional<Integer> resolution(Optional<Path> config) {
        try {
            return config.flatMap(c -> ConfigLoader.check(c, List.of()).loaded())
                    .map(l -> l.config().resolution());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> baseModel(Path config) {
        try {
            ConfigReport report = ConfigLoader.check(config, List.of());
            return report.loaded().map(LoadedConfig::config).map(c -> c.baseModel().resolved());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
