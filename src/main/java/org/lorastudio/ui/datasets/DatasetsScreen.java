package org.lorastudio.ui.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Datasets screen (SPEC §7): thumbnail grid with filters and check badges, and the caption editor. Caption
 * files are read and written on a single io thread of its own (so writes keep their order); the image check runs on
 * the studio's background pool; thumbnails on two low-priority threads.
 */
public final class DatasetsScreen implements Screen {
    /** How long closing the window waits for caption writes. */
    static final long CLOSE_WAIT_MILLIS = 3000;

    private final StudioContext context;
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "datasets-io");
        t.setDaemon(true);
        return t;
    });
    private final DatasetsViewModel vm;
    private final ThumbnailLoader thumbnails;
    private final DatasetsView view;
    private boolean shown;

    public DatasetsScreen(StudioContext context) {
        this.context = context;
        this.vm = new DatasetsViewModel(context.workspace(), TaskExecutor.fx(io),
                TaskExecutor.fx(context.background()), System::nanoTime);
        this.thumbnails = new ThumbnailLoader(ThumbnailCache.forWorkspace(context.workspace()), 2);
        this.view = new DatasetsView(vm, thumbnails);
        vm.rootProperty().addListener((obs, a, b) -> context.datasetProperty().set(b));
        context.configProperty().addListener((obs, a, b) -> loadTokenizer());
    }

    @Override
    public String title() {
        return "Datasets";
    }

    @Override
    public Node view() {
        return view.root();
    }

    DatasetsViewModel viewModel() {
        return vm;
    }

    DatasetsView datasetsView() {
        return view;
    }

    @Override
    public void onShow() {
        vm.refreshFolders();
        if (!shown) {
            shown = true;
            loadTokenizer();
            Path wanted = context.datasetProperty().get();
            Path demo = context.datasetsDir().resolve("demo");
            if (wanted != null && Files.isDirectory(wanted)) {
                vm.open(wanted);
            } else if (Files.isDirectory(demo)) {
                vm.open(demo);
            }
        }
    }

    /** On the background pool, not the io thread: the folder listing must not wait behind a tokenizer load. */
    private void loadTokenizer() {
        Optional<Path> config = Optional.ofNullable(context.configProperty().get());
        TaskExecutor bg = TaskExecutor.fx(context.background());
        bg.submit(() -> TokenizerLocator.find(context.workspace(), config), vm::setTokenizer,
                e -> vm.setTokenizer(Optional.empty()));
        bg.submit(() -> TrainingResolution.of(context.workspace(), config), vm.minSideProperty()::set, e -> { });
    }

    /** Whether the folder is read and the thumbnails on screen are loaded (the screenshot mode waits for it). */
    public boolean settled() {
        return !vm.busyProperty().get() && !vm.entries().isEmpty() && thumbnails.idle();
    }

    @Override
    public void dispose() {
        view.stop();
        vm.dispose();
        thumbnails.shutdown();
        io.shutdown();
    }

    @Override
    public boolean onCloseRequest() {
        long unsaved = vm.saveAllAndWait(CLOSE_WAIT_MILLIS);
        if (unsaved > 0) {
            Alert ask = new Alert(Alert.AlertType.CONFIRMATION, unsaved + " caption(s) could not be saved: their "
                    + "files changed on disk or could not be written. Close anyway and lose these edits?",
                    ButtonType.CANCEL, ButtonType.OK);
            ask.setHeaderText("Unsaved captions");
            if (ask.showAndWait().orElse(ButtonType.CANCEL) != ButtonType.OK) {
                return false;
            }
        }
        // Threads are daemons and stay: another screen may still veto the close.
        return true;
    }
}
