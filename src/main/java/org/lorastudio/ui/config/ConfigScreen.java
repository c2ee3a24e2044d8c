package org.lorastudio.ui.config;

import java.nio.file.Files;
import java.nio.file.Path;

import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import org.lorastudio.ui.Screen;
import org.lorastudio.ui.StudioContext;
import org.lorastudio.ui.common.TaskExecutor;

/**
 * The Config screen (SPEC §7): a form generated from the config field descriptors and a YAML tab over one
 * document, presets, and the live step arithmetic. File reads, writes and image counts run on the studio's
 * background pool.
 */
public final class ConfigScreen implements Screen {
    private final StudioContext context;
    private final ConfigViewModel vm;
    private final ConfigView view;
    private boolean shown;

    public ConfigScreen(StudioContext context) {
        this.context = context;
        Path resources = context.workspace().toAbsolutePath().normalize().resolveSibling("resources")
                .resolve("configs");
        this.vm = new ConfigViewModel(context.workspace(), resources, TaskExecutor.fx(context.background()));
        this.view = new ConfigView(vm, context.workspace());
        vm.fileProperty().addListener((obs, a, b) -> {
            if (b != null) {
                context.configProperty().set(b);
            }
        });
        context.datasetProperty().addListener((obs, a, b) -> vm.recountDatasets());
    }

    @Override
    public String title() {
        return "Config";
    }

    @Override
    public Node view() {
        return view.root();
    }

    public ConfigViewModel viewModel() {
        return vm;
    }

    ConfigView configView() {
        return view;
    }

    @Override
    public void onShow() {
        vm.refreshFiles();
        if (shown) {
            return;
        }
        shown = true;
        Path wanted = context.configProperty().get();
        Path workspaceDemo = context.configsDir().resolve("demo.yaml");
        Path shipped = context.workspace().toAbsolutePath().normalize().resolveSibling("resources")
                .resolve("configs").resolve("demo.yaml");
        for (Path p : new Path[] {wanted, workspaceDemo, shipped}) {
            if (p != null && Files.isRegularFile(p)) {
                vm.open(p);
                return;
            }
        }
    }

    @Override
    public boolean onCloseRequest() {
        if (!vm.dirtyProperty().get()) {
            return true;
        }
        ButtonType discard = new ButtonType("Discard", ButtonBar.ButtonData.NO);
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, vm.titleProperty().get()
                + " has unsaved changes. Close without saving them?", ButtonType.CANCEL, discard);
        ask.setHeaderText("Unsaved config");
        return ask.showAndWait().orElse(ButtonType.CANCEL) == discard;
    }
}
