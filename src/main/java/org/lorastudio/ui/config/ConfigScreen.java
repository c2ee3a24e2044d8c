package org.lorastudio.ui.config;

import javafx.scene.Node;
import javafx.scene.control.Label;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;

/** The Config screen (placeholder until its issue lands). */
public final class ConfigScreen implements Screen {
    private final Label root = new Label("Config — coming soon");

    public ConfigScreen(StudioContext context) {
    }

    @Override
    public String title() {
        return "Config";
    }

    @Override
    public Node view() {
        return root;
    }
}
