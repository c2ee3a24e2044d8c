package org.lorastudio.ui.generate;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Generate screen (placeholder until its issue lands). */
public final class GenerateScreen implements Screen {
    private final Label root = new Label("Generate — coming soon");

    public GenerateScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Generate";
    }

    @Override
    public Node view() {
        return root;
    }
}
