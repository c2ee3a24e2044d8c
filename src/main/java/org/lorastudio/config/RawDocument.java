package org.lorastudio.config;

import java.util.List;

/** The entries of a YAML mapping in file order, with the problems met while reading it (syntax, duplicates). */
record RawDocument(List<RawEntry> entries, List<ConfigProblem> problems) {
    RawDocument {
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }
}
