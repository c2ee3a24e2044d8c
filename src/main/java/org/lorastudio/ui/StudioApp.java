package org.lorastudio.ui;

import java.nio.file.Path;
import java.util.List;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.controlsfx.control.StatusBar;
import org.lorastudio.ui.compare.CompareScreen;
import org.lorastudio.ui.config.ConfigScreen;
import org.lorastudio.ui.datasets.DatasetsScreen;
import org.lorastudio.ui.generate.GenerateScreen;
import org.lorastudio.ui.notes.NotesScreen;
import org.lorastudio.ui.runs.RunsScreen;
import org.lorastudio.ui.train.TrainScreen;

/**
 * The studio window: one tab per screen (SPEC §7) over a shared {@link StudioContext}, and a status bar. Opens
 * {@code ./workspace}, or the folder in {@code -Dlorastudio.workspace}.
 */
public final class StudioApp extends Application {
    private StudioContext context;
    private List<Screen> screens;

    /** Called by {@link org.lorastudio.Launcher} through reflection so the core never links JavaFX. */
    public static void launchStudio(String[] args) {
        Application.launch(StudioApp.class, args);
    }

    static Path workspace() {
        return Path.of(System.getProperty("lorastudio.workspace", "workspace")).toAbsolutePath().normalize();
    }

    @Override
    public void start(Stage stage) {
        context = new StudioContext(workspace());
        screens = List.of(new DatasetsScreen(context), new ConfigScreen(context), new TrainScreen(context),
                new NotesScreen(context), new RunsScreen(context), new CompareScreen(context),
                new GenerateScreen(context));
        TabPane tabs = new TabPane();
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        for (Screen s : screens) {
            Tab t = new Tab(s.title(), s.view());
            t.setOnSelectionChanged(e -> {
                if (t.isSelected()) {
                    s.onShow();
                }
            });
            tabs.getTabs().add(t);
        }
        StatusBar status = new StatusBar();
        status.textProperty().bind(context.statusProperty());
        context.statusProperty().set("Workspace: " + context.workspace());
        BorderPane root = new BorderPane(tabs);
        root.setBottom(status);
        stage.setTitle("LoRA Studio — " + context.workspace().getFileName());
        stage.setScene(new Scene(root, 1280, 800));
        stage.setOnCloseRequest(e -> {
            for (Screen s : screens) {
                if (!s.onCloseRequest()) {
                    e.consume();
                    return;
                }
            }
        });
        stage.show();
        screens.get(0).onShow();
    }

    @Override
    public void stop() {
        if (context != null) {
            context.shutdown();
        }
        Platform.exit();
    }
}
