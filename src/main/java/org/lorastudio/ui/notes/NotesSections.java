package org.lorastudio.ui.notes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.lorastudio.run.NotesTemplate;

/**
 * Which sections of the notes template a run's notes have filled in: a section is filled when its body holds
 * more than the template's italic hint line; a template section whose heading was removed is missing.
 */
public final class NotesSections {
    /** A section's state. */
    public enum State { FILLED, EMPTY, MISSING }

    /**
     * One section.
     *
     * @param title the heading text without {@code ##}
     * @param state filled, empty or missing
     * @param fromTemplate whether the template has this section
     */
    public record Section(String title, State state, boolean fromTemplate) {
    }

    private NotesSections() {
    }

    /** The template's sections first (in template order), then any the user added. */
    public static List<Section> analyze(String notes, NotesTemplate template) {
        Map<String, String> bodies = bodies(notes);
        List<Section> out = new ArrayList<>();
        List<String> templateTitles = new ArrayList<>(bodies(template.text()).keySet());
        for (String t : templateTitles) {
            String body = bodies.get(t);
            out.add(new Section(t, body == null ? State.MISSING : filled(body) ? State.FILLED : State.EMPTY, true));
        }
        bodies.forEach((t, body) -> {
            if (!templateTitles.contains(t)) {
                out.add(new Section(t, filled(body) ? State.FILLED : State.EMPTY, false));
            }
        });
        return out;
    }

    /** Level-2 headings and the text under each, in order. */
    static Map<String, String> bodies(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String title = null;
        StringBuilder body = new StringBuilder();
        boolean fenced = false;
        for (String line : text.split("\\R", -1)) {
            if (line.startsWith("```") || line.startsWith("~~~")) {
                fenced = !fenced;
            }
            if (!fenced && line.startsWith("## ")) {
                if (title != null) {
                    out.putIfAbsent(title, body.toString());
                }
                title = line.substring(3).strip();
                body.setLength(0);
            } else if (!fenced && line.startsWith("# ")) {
                if (title != null) {
                    out.putIfAbsent(title, body.toString());
                }
                title = null;
                body.setLength(0);
            } else if (title != null) {
                body.append(line).append('\n');
            }
        }
        if (title != null) {
            out.putIfAbsent(title, body.toString());
        }
        return out;
    }

    private static boolean filled(String body) {
        for (String line : body.split("\\R")) {
            String l = line.strip();
            boolean hint = l.length() > 1 && l.startsWith("_") && l.endsWith("_");
            if (!l.isEmpty() && !hint) {
                return true;
            }
        }
        return false;
    }
}
