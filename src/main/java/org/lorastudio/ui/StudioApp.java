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
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;
import org.lorastudio.ui.common.Messages;
import org.lorastudio.ui.compare.CompareScreen;
import org.lorastudio.ui.config.ConfigScreen;
import org.lorastudio.ui.datasets.DatasetsScreen;
import org.lorastudio.ui.generate.GenerateScreen;
import org.lorastudio.ui.notes.NotesScreen;
import org.lorastudio.ui.runs.RunsScreen;
import org.lorastudio.ui.train.TrainScreen;

/**
 * The studio window: one tab per screen (SPEC §7) over a shared {@link StudioContext}, a File menu (open a
 * workspace folder, open a recent one) and a status bar. Opens {@code ./workspace}, or the folder in
 * {@code -Dlorastudio.workspace}. The Runs screen's "Open notes", "Resume" and "Compare" switch to the screen
 * that does them.
 *
 * <p>With {@code -Dlorastudio.screenshots=DIR} it selects each tab in turn, lets it render for 1.5 s, saves the
 * window as {@code DIR/<tab title in lower case>.png} (the Generate screen also in text mode, answering a demo-llm
 * question with the newest run adapter, as {@code generate-text.png}) and exits; with {@code -Dlorastudio.screenshots.train=true}
 * it first trains the Train screen's config (the demo by default) until some steps have arrived, then stops it.
 */
public final class StudioApp extends Application {
    private MenuBar menuBar;
    private final java.util.prefs.Preferences prefs;
    private final Path firstWorkspace;
    private final BorderPane root = new BorderPane();
    private final Menu recentMenu = new Menu("Open recent");
    private Stage stage;
    private StatusBar statusBar;
    private RecentFolders recent;
    private boolean screenshotMode;
    private StudioContext context;
    private List<Screen> screens = List.of();
    private TabPane tabs;

    public StudioApp() {
        this(java.util.prefs.Preferences.userNodeForPackage(StudioApp.class), workspace());
    }

    /** With another preferences node and first workspace (tests use throw-away ones, not the user's). */
    StudioApp(java.util.prefs.Preferences prefs, Path firstWorkspace) {
        this.prefs = prefs;
        this.firstWorkspace = firstWorkspace;
    }

    /** Called by {@link org.lorastudio.Launcher} through reflection so the core never links JavaFX. */
    public static void launchStudio(String[] args) {
        Application.launch(StudioApp.class, args);
    }

    static Path workspace() {
        return Path.of(System.getProperty("lorastudio.workspace", "workspace")).toAbsolutePath().normalize();
    }

    @Override
    public void start(Stage stage) {
        this.stage = stage;
        screenshotMode = System.getProperty("lorastudio.screenshots") != null;
        recent = new RecentFolders(prefs.node("recent"));
        StatusBar status = new StatusBar();
        statusBar = status;
        status.getRightItems().add(machineLabel());
        menuBar = menuBar();
        root.setTop(menuBar);
        root.setBottom(status);
        stage.setScene(new Scene(root, screenshotMode ? 1280 : prefs.getDouble("width", 1280),
                screenshotMode ? 800 : prefs.getDouble("height", 800)));
        show(firstWorkspace, screenshotMode ? 0 : prefs.getInt("tab", 0));
        if (!screenshotMode) {
            stage.setMaximized(prefs.getBoolean("maximized", false));
        }
        stage.setOnCloseRequest(e -> {
            if (!closeScreens()) {
                e.consume();
                return;
            }
            if (!screenshotMode) { // remember the window for the next start
                prefs.putDouble("width", stage.getScene().getWidth());
                prefs.putDouble("height", stage.getScene().getHeight());
                prefs.putBoolean("maximized", stage.isMaximized());
                prefs.putInt("tab", tabs.getSelectionModel().getSelectedIndex());
            }
        });
        stage.show();
        String shots = System.getProperty("lorastudio.screenshots");
        if (shots != null && !shots.isBlank()) {
            screenshotTour(stage.getScene(), tabs, Path.of(shots), 0);
        }
    }

    /** Asks every screen whether the workspace may be left (unsaved captions, a running training). */
    private boolean closeScreens() {
        for (Screen s : screens) {
            if (!s.onCloseRequest()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Shows {@code dir} as the workspace: new screens over a new {@link StudioContext}, wired to each other, and the
     * folder first in "Open recent". The caller has asked the old screens whether they may close.
     */
    private void show(Path dir, int tab) {
        if (context != null) {
            screens.forEach(Screen::dispose);
            StudioContext old = context;
            Platform.runLater(old::shutdown); // after FX tasks already queued for it (a folder watcher's refresh)
        }
        context = new StudioContext(dir);
        screens = List.of(new DatasetsScreen(context), new ConfigScreen(context), new TrainScreen(context),
                new NotesScreen(context), new RunsScreen(context), new CompareScreen(context),
                new GenerateScreen(context));
        tabs = new TabPane();
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
        wire();
        root.setCenter(tabs);
        statusBar.textProperty().bind(context.statusProperty());
        context.statusProperty().set("Workspace: " + context.workspace());
        stage.setTitle("LoRA Studio — " + context.workspace().getFileName());
        int index = Math.max(0, Math.min(tab, tabs.getTabs().size() - 1));
        tabs.getSelectionModel().select(index);
        screens.get(index).onShow(); // selecting the first tab fires no change, so show it here either way
        if (!screenshotMode) {
            recent.add(context.workspace());
            refreshRecentMenu();
        }
    }

    /** The Runs screen's actions that lead to other screens. */
    private void wire() {
        RunsScreen runs = screen(RunsScreen.class);
        TrainScreen train = screen(TrainScreen.class);
        CompareScreen compare = screen(CompareScreen.class);
        runs.viewModel().onOpenNotesProperty().set(dir -> select(NotesScreen.class));
        runs.viewModel().onResumeProperty().set(dir -> {
            select(TrainScreen.class);
            train.viewModel().resume(dir);
        });
        runs.viewModel().onCompareProperty().set(dirs -> {
            compare.preselect(dirs);
            select(CompareScreen.class);
        });
    }

    /** The screen of a type (tests and the shell). */
    <T extends Screen> T screen(Class<T> type) {
        return screens.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    /** Selects the tab of a screen type. */
    void select(Class<? extends Screen> type) {
        for (int i = 0; i < screens.size(); i++) {
            if (type.isInstance(screens.get(i))) {
                tabs.getSelectionModel().select(i);
                return;
            }
        }
    }

    TabPane tabs() {
        return tabs;
    }

    RecentFolders recent() {
        return recent;
    }

    Menu recentMenu() {
        return recentMenu;
    }

    StudioContext context() {
        return context;
    }

    /** Leaves the workspace as closing the window does (watchers stopped, threads let go), without exiting. */
    void leave() {
        closeScreens();
        screens.forEach(Screen::dispose);
        context.shutdown();
    }

    /** Opens another workspace folder after the open screens agreed to close. */
    void openWorkspace(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            Messages.showError(root, "Open workspace", abs + " is not a folder any more; it was removed from the"
                    + " recent list.");
            recent.remove(abs);
            refreshRecentMenu();
            return;
        }
        if (context != null && abs.equals(context.workspace())) {
            return;
        }
        if (closeScreens()) {
            show(abs, tabs.getSelectionModel().getSelectedIndex());
        }
    }

    private MenuBar menuBar() {
        MenuItem open = new MenuItem("Open workspace…");
        open.setAccelerator(KeyCombination.keyCombination("Shortcut+O"));
        open.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a workspace folder (it holds datasets/, configs/ and runs/)");
            if (context != null && Files.isDirectory(context.workspace())) {
                chooser.setInitialDirectory(context.workspace().toFile());
            }
            java.io.File chosen = chooser.showDialog(stage);
            if (chosen != null) {
                openWorkspace(chosen.toPath());
            }
        });
        recentMenu.setId("open-recent");
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(KeyCombination.keyCombination("Shortcut+Q"));
        quit.setOnAction(e -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        Menu file = new Menu("File", null, open, recentMenu, new SeparatorMenuItem(), quit);
        MenuItem systemCheck = new MenuItem("System check…");
        systemCheck.setId("system-check");
        systemCheck.setOnAction(e -> openSystemCheck());
        Menu help = new Menu("Help", null, systemCheck);
        MenuBar bar = new MenuBar(file, help);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    /** A menu item of the menu bar by id (tests). */
    javafx.scene.control.MenuItem menuItem(String id) {
        return menuBar.getMenus().stream().flatMap(m -> m.getItems().stream()).filter(i -> id.equals(i.getId()))
                .findFirst().orElseThrow();
    }

    /** Help → System check: the {@code doctor} report for this workspace, gathered on a daemon thread. */
    Stage openSystemCheck() {
        Path ws = context != null ? context.workspace() : Path.of("workspace");
        return org.lorastudio.ui.doctor.SystemCheckDialog.show(stage, ws, work -> {
            Thread t = new Thread(work, "system-check");
            t.setDaemon(true);
            t.start();
        });
    }

    private void refreshRecentMenu() {
        recentMenu.getItems().clear();
        for (Path p : recent.list()) {
            MenuItem item = new MenuItem(p.toString());
            item.setMnemonicParsing(false);
            item.setDisable(context != null && p.equals(context.workspace()));
            item.setOnAction(e -> openWorkspace(p));
            recentMenu.getItems().add(item);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    /**
     * The right side of the status bar: compute device, resident memory and the run in focus, refreshed every 2 s.
     * The device is asked once on a background thread (it starts the engine).
     */
    private javafx.scene.control.Label machineLabel() {
        javafx.scene.control.Label label = new javafx.scene.control.Label();
        javafx.beans.property.SimpleStringProperty device = new javafx.beans.property.SimpleStringProperty("…");
        Thread probe = new Thread(() -> {
            String d;
            try {
                d = org.lorastudio.runtime.Devices.describe(org.lorastudio.runtime.Devices.resolve("auto"));
            } catch (RuntimeException e) {
                d = "device unknown";
            }
            String text = d;
            javafx.application.Platform.runLater(() -> device.set(text));
        }, "device-probe");
        probe.setDaemon(true);
        probe.start();
        Runnable refresh = () -> {
            long rss = org.lorastudio.util.ProcessMemory.residentBytes().orElse(-1);
            Path run = context == null ? null : context.runProperty().get();
            label.setText(device.get() + (rss > 0 ? "  ·  memory " + rss / (1024 * 1024) + " MB" : "")
                    + (run == null ? "" : "  ·  run " + run.getFileName()));
        };
        javafx.animation.Timeline timer = new javafx.animation.Timeline(new javafx.animation.KeyFrame(
                javafx.util.Duration.seconds(2), e -> refresh.run()));
        timer.setCycleCount(javafx.animation.Animation.INDEFINITE);
        timer.play();
        device.addListener((o, a, b) -> refresh.run());
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
        if (screen instanceof CompareScreen compare) {
            // an empty Compare screen shows nothing: pick the two newest runs once the list has loaded
            compare.viewModel().refreshRuns().thenRun(() -> {
                // two image runs when there are: their loss scales and sample grids compare best
                List<org.lorastudio.ui.runs.RunRow> completed = compare.viewModel().available().stream()
                        .filter(r -> "completed".equals(r.status()))
                        .sorted(java.util.Comparator.comparing(org.lorastudio.ui.runs.RunRow::created,
                                java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())).reversed())
                        .toList();
                List<org.lorastudio.ui.runs.RunRow> images = completed.stream()
                        .filter(r -> !"llm".equals(r.modelType())).toList();
                List<Path> newest = (images.size() >= 2 ? images : completed).stream().limit(2)
                        .map(org.lorastudio.ui.runs.RunRow::dir).toList();
                if (newest.size() == 2) {
                    compare.preselect(newest);
                }
            });
        }
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
        } else if (screen instanceof DatasetsScreen datasets) {
            waitUntil(datasets::settled, System.nanoTime(), shoot);
        } else if (screen instanceof RunsScreen runs) {
            waitUntil(() -> !runs.viewModel().loadingProperty().get(), System.nanoTime(), shoot);
        } else if (screen instanceof CompareScreen compare) {
            waitUntil(() -> compare.viewModel().resultProperty().get() != null, System.nanoTime(), shoot);
        } else {
            later(1.5, shoot);
        }
    }

    private void waitForSteps(TrainScreen train, long t0, Runnable then) {
        var vm = train.viewModel();
        boolean enough = vm.series().size() >= SCREENSHOT_STEPS || !vm.isBusy();
        if (enough || System.nanoTime() - t0 > 420e9) {
            later(1.0, then); // shot while still running; finishTour() stops the run before exiting
        } else {
            later(0.5, () -> waitForSteps(train, t0, then));
        }
    }

    /** Runs {@code then} once {@code ready} holds (or after 60 s), so a shot shows loaded content. */
    private void waitUntil(java.util.function.BooleanSupplier ready, long t0, Runnable then) {
        if (ready.getAsBoolean() || System.nanoTime() - t0 > 60e9) {
            later(1.0, then);
        } else {
            later(0.5, () -> waitUntil(ready, t0, then));
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
