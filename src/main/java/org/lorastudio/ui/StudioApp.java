package org.lorastudio.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import javafx.application.Application;
import javafx.animation.PauseTransition;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javafx.util.Duration;
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
 *
 * <p>With {@code -Dlorastudio.screenshots=DIR} it selects each tab in turn, lets it render for 1.5 s, saves the
 * window as {@code DIR/<tab title in lower case>.png} (the Generate screen also in text mode, answering a demo-llm
 * question with the newest run adapter, as {@code generate-text.png}) and exits; with {@code -Dlorastudio.screenshots.train=true}
 * it first trains the Train screen's config (the demo by default) until some steps have arrived, then stops it.
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
        status.getRightItems().add(machineLabel());
        BorderPane root = new BorderPane(tabs);
        root.setBottom(status);
        stage.setTitle("LoRA Studio — " + context.workspace().getFileName());
        boolean screenshotMode = System.getProperty("lorastudio.screenshots") != null;
        java.util.prefs.Preferences prefs = java.util.prefs.Preferences.userNodeForPackage(StudioApp.class);
        stage.setScene(new Scene(root, screenshotMode ? 1280 : prefs.getDouble("width", 1280),
                screenshotMode ? 800 : prefs.getDouble("height", 800)));
        if (!screenshotMode) {
            tabs.getSelectionModel().select(Math.min(prefs.getInt("tab", 0), tabs.getTabs().size() - 1));
            stage.setMaximized(prefs.getBoolean("maximized", false));
        }
        stage.setOnCloseRequest(e -> {
            for (Screen s : screens) {
                if (!s.onCloseRequest()) {
                    e.consume();
                    return;
                }
            }
            if (!screenshotMode) { // remember the window for the next start
                prefs.putDouble("width", stage.getScene().getWidth());
                prefs.putDouble("height", stage.getScene().getHeight());
                prefs.putBoolean("maximized", stage.isMaximized());
                prefs.putInt("tab", tabs.getSelectionModel().getSelectedIndex());
            }
        });
        stage.show();
        screens.get(0).onShow();
        String shots = System.getProperty("lorastudio.screenshots");
        if (shots != null && !shots.isBlank()) {
            screenshotTour(stage.getScene(), tabs, Path.of(shots), 0);
        }
    }

    /**
     * The right side of the status bar: compute device, resident memory and the run in focus, refreshed every 2 s.
     * The device is asked once on a background thread (it starts the engine).
     */
    private javafx.scene.control.Label machineLabel() {
        javafx.scene.control.Label label = new javafx.scene.control.Label();
        javafx.beans.property.SimpleStringProperty device = new javafx.beans.property.SimpleStringProperty("…");
        context.background().submit(() -> {
            String d;
            try {
                d = org.lorastudio.runtime.Devices.describe(org.lorastudio.runtime.Devices.resolve("auto"));
            } catch (RuntimeException e) {
                d = "device unknown";
            }
            String text = d;
            javafx.application.Platform.runLater(() -> device.set(text));
        });
        Runnable refresh = () -> {
            long rss = org.lorastudio.util.ProcessMemory.residentBytes().orElse(-1);
            Path run = context.runProperty().get();
            label.setText(device.get() + (rss > 0 ? "  ·  memory " + rss / (1024 * 1024) + " MB" : "")
                    + (run == null ? "" : "  ·  run " + run.getFileName()));
        };
        javafx.animation.Timeline timer = new javafx.animation.Timeline(new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(2), e -> refresh.run()));
        timer.setCycleCount(javafx.animation.Animation.INDEFINITE);
        timer.play();
        device.addListener((o, a, b) -> refresh.run());
        context.runProperty().addListener((o, a, b) -> refresh.run());
        refresh.run();
        return label;
    }

    /** A question of the demo-llm data set, for the Generate screen's text mode. */
    private static final String SCREENSHOT_QUESTION = "Convert 12 meters to centimeters.";

    /** Steps shown in the Train screenshot (or fewer, if the run ends first). */
    private static final int SCREENSHOT_STEPS = 60;

    private void screenshotTour(Scene scene, TabPane tabs, Path dir, int index) {
        if (index >= tabs.getTabs().size()) {
            finishTour();
            return;
        }
        Tab tab = tabs.getTabs().get(index);
        tabs.getSelectionModel().select(tab);
        Screen screen = screens.get(index);
        boolean trainFirst = screen instanceof TrainScreen && Boolean.getBoolean("lorastudio.screenshots.train");
        if (trainFirst) {
            ((TrainScreen) screen).viewModel().start();
        }
        Runnable next = () -> screenshotTour(scene, tabs, dir, index + 1);
        Runnable shoot = () -> {
            saveSnapshot(scene, dir.resolve(tab.getText().toLowerCase(Locale.ROOT) + ".png"));
            if (screen instanceof GenerateScreen generate) { // and its text mode: base vs adapted answers
                generate.showTextExample(SCREENSHOT_QUESTION, 48).whenComplete((done, error) -> later(1.0, () -> {
                    saveSnapshot(scene, dir.resolve("generate-text.png"));
                    next.run();
                }));
            } else {
                next.run();
            }
        };
        if (trainFirst) {
            waitForSteps((TrainScreen) screen, System.nanoTime(), shoot);
        } else {
            later(1.5, shoot);
        }
    }

    private void waitForSteps(TrainScreen train, long t0, Runnable then) {
        var vm = train.viewModel();
        boolean enough = vm.series().size() >= SCREENSHOT_STEPS || !vm.isBusy();
        if (enough || System.nanoTime() - t0 > 180e9) {
            later(1.0, then); // shot while still running; finishTour() stops the run before exiting
        } else {
            later(0.5, () -> waitForSteps(train, t0, then));
        }
    }

    private void finishTour() {
        // Exit only once no trainer thread is left in native code (a JVM exit under it can crash libtorch).
        TrainScreen train = (TrainScreen) screens.stream().filter(s -> s instanceof TrainScreen).findFirst()
                .orElse(null);
        if (train != null && train.viewModel().isBusy()) {
            train.viewModel().stop();
            later(0.5, this::finishTour);
            return;
        }
        Platform.exit();
    }

    private static void later(double seconds, Runnable action) {
        PauseTransition p = new PauseTransition(Duration.seconds(seconds));
        p.setOnFinished(e -> action.run());
        p.play();
    }

    private static void saveSnapshot(Scene scene, Path png) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            BufferedImage img = SwingFXUtils.fromFXImage(scene.snapshot(null), null);
            ImageIO.write(img, "png", png.toFile());
            System.out.println("screenshot: " + png);
        } catch (IOException e) {
            System.err.println("screenshot failed: " + png + ": " + e);
        }
    }

    @Override
    public void stop() {
        if (context != null) {
            context.shutdown();
        }
        Platform.exit();
    }
}
