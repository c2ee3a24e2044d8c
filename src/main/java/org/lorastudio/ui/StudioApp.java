package org.lorastudio.ui;

import java.nio.file.Path;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/** The studio window. Opens {@code ./workspace} (or the folder in {@code -Dlorastudio.workspace}). */
public final class StudioApp extends Application {

    /** Called by {@link org.lorastudio.Launcher} through reflection so the core never links JavaFX. */
    public static void launchStudio(String[] args) {
        Application.launch(StudioApp.class, args);
    }

    static Path workspace() {
        return Path.of(System.getProperty("lorastudio.workspace", "workspace")).toAbsolutePath().normalize();
    }

    @Override
    public void start(Stage stage) {
        BorderPane root = new BorderPane(new Label("LoRA Studio — workspace " + workspace()));
        stage.setTitle("LoRA Studio");
        stage.setScene(new Scene(root, 1280, 800));
        stage.show();
    }
}
