package org.lorastudio.ui.compare;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Compare screen (placeholder until its issue lands). */
public final class CompareScreen implements Screen {
    private final Label root = new Label("Compare — coming soon");

    public CompareScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Compare";
    }

    @Override
    public Node view() {
        return root;
    }
}
