package org.lorastudio.ui.datasets;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Datasets screen (placeholder until its issue lands). */
public final class DatasetsScreen implements Screen {
    private final Label root = new Label("Datasets — coming soon");

    public DatasetsScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Datasets";
    }

    @Override
    public Node view() {
        return root;
    }
}
