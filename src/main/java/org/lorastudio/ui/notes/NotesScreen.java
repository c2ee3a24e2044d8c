package org.lorastudio.ui.notes;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Notes screen (placeholder until its issue lands). */
public final class NotesScreen implements Screen {
    private final Label root = new Label("Notes — coming soon");

    public NotesScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Notes";
    }

    @Override
    public Node view() {
        return root;
    }
}
