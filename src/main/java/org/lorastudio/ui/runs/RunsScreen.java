package org.lorastudio.ui.runs;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Runs screen (placeholder until its issue lands). */
public final class RunsScreen implements Screen {
    private final Label root = new Label("Runs — coming soon");

    public RunsScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Runs";
    }

    @Override
    public Node view() {
        return root;
    }
}
