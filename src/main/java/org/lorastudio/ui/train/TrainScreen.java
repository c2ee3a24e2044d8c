package org.lorastudio.ui.train;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Train screen (placeholder until its issue lands). */
public final class TrainScreen implements Screen {
    private final Label root = new Label("Train — coming soon");

    public TrainScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Train";
    }

    @Override
    public Node view() {
        return root;
    }
}
