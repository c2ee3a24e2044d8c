package org.lorastudio.config;

import java.util.Objects;

/**
 * A named partial config (tuning keys only) that can be laid over a config, e.g. "8 GB GPU".
 *
 * @param id          the file name without {@code .yaml}, e.g. {@code 8gb-gpu}
 * @param title       the first comment line of the file
 * @param description the following comment lines, joined
 * @param yaml        the file's text
 */
public record ConfigPreset(String id, String title, String description, String yaml) {
    public ConfigPreset {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(yaml, "yaml");
    }

    /** Builds a preset from its YAML text; the leading comment lines give the title and the description. */
    public static ConfigPreset parse(String id, String yaml) {
        var comments = yaml.lines().takeWhile(l -> l.startsWith("#")).map(l -> l.substring(1).strip()).toList();
        String title = comments.isEmpty() ? id : comments.get(0);
        String description = String.join(" ", comments.subList(Math.min(1, comments.size()), comments.size()));
        return new ConfigPreset(id, title, description, yaml);
    }
}
