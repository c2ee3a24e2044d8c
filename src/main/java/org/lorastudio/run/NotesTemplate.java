package org.lorastudio.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * The Markdown notes every run starts with (SPEC §5, §7 Notes): the template shipped as
 * {@code resources/templates/notes.md} (on the class path as {@value #RESOURCE}) with its {@code {{name}}},
 * {@code {{run_id}}} and {@code {{date}}} placeholders filled.
 */
public final class NotesTemplate {
    /** Class-path location of the shipped template (the pom maps {@code resources/} to {@code lorastudio/}). */
    public static final String RESOURCE = "/lorastudio/templates/notes.md";

    private final String template;

    private NotesTemplate(String template) {
        this.template = template;
    }

    /** The template shipped with the studio. */
    public static NotesTemplate standard() {
        try (InputStream in = NotesTemplate.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("notes template " + RESOURCE + " is missing from the class path");
            }
            return new NotesTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read notes template " + RESOURCE, e);
        }
    }

    /** A template from text, for users who bring their own. */
    public static NotesTemplate of(String text) {
        return new NotesTemplate(Objects.requireNonNull(text, "text"));
    }

    /** The raw template text. */
    public String text() {
        return template;
    }

    /** The notes for a new run; the date is ISO ({@code 2026-11-29}) so it reads the same in every locale. */
    public String render(String name, String runId, LocalDate date) {
        return fill(Map.of("name", name, "run_id", runId, "date", date.toString()));
    }

    /**
     * Replaces each {@code {{key}}} by its value in one pass, so a value that itself contains {@code {{...}}}
     * (an experiment named "{{date}}") is inserted literally. Unknown placeholders are left as they are.
     */
    public String fill(Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            int close = open < 0 ? -1 : template.indexOf("}}", open + 2);
            if (close < 0) {
                out.append(template, i, template.length());
                break;
            }
            String key = template.substring(open + 2, close).trim();
            out.append(template, i, open);
            String value = values.get(key);
            out.append(value != null ? value : template.substring(open, close + 2));
            i = close + 2;
        }
        return out.toString();
    }
}
