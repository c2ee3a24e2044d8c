package org.lorastudio.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Small helpers shared by the config tests. */
final class ConfigTestSupport {
    /** The three required keys, for tests that only care about the rest. */
    static final String REQUIRED = "name: test\nbase_model: models/sd15.safetensors\ntrain_data_dir: data\n";

    private ConfigTestSupport() {
    }

    /** Validates YAML text as if it were {@code test.yaml} in {@code dir}. */
    static ConfigReport check(String yaml, Path dir, String... overrides) {
        return ConfigLoader.check(yaml, "test.yaml", dir, List.of(overrides));
    }

    /** Loads YAML text that must be valid. */
    static TrainingConfig load(String yaml, Path dir, String... overrides) {
        return ConfigLoader.load(yaml, "test.yaml", dir, List.of(overrides)).config();
    }

    /** A test resource under {@code src/test/resources/config/} as a file. */
    static Path resourceFile(String name) {
        try {
            return Path.of(ConfigTestSupport.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A class-path resource as text. */
    static String resourceText(String path) {
        try (InputStream in = ConfigTestSupport.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
