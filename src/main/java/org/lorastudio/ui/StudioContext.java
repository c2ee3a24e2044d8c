package org.lorastudio.ui;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * What the screens share: the workspace folder, the selected dataset / config / run, a status line, and one
 * background executor for short work (file scans, thumbnails). Training has its own thread (one per process, as
 * DJL's gradient collector is global) and generation runs on the same native-memory owner thread as training.
 */
public final class StudioContext {
    private final Path workspace;
    private final ObjectProperty<Path> dataset = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> config = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> run = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty("");
    private final ExecutorService background = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "studio-background");
        t.setDaemon(true);
        return t;
    });

    public StudioContext(Path workspace) {
        this.workspace = workspace;
    }

    public Path workspace() {
        return workspace;
    }

    public Path datasetsDir() {
        return workspace.resolve("datasets");
    }

    public Path runsDir() {
        return workspace.resolve("runs");
    }

    public Path configsDir() {
        return workspace.resolve("configs");
    }

    /** The dataset folder being edited. */
    public ObjectProperty<Path> datasetProperty() {
        return dataset;
    }

    /** The config file being edited. */
    public ObjectProperty<Path> configProperty() {
        return config;
    }

    /** The run folder in focus (notes, train). */
    public ObjectProperty<Path> runProperty() {
        return run;
    }

    /** One line for the status bar. */
    public StringProperty statusProperty() {
        return status;
    }

    public ExecutorService background() {
        return background;
    }

    public void shutdown() {
        background.shutdownNow();
    }
}
