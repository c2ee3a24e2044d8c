package org.lorastudio.ui.doctor;

import java.nio.file.Path;
import java.util.function.Consumer;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.lorastudio.doctor.SystemReport;

/**
 * Help → System check: the same report as {@code lorastudio doctor} (versions, libtorch, CPU, the numerical
 * self-check, GPUs, disk, base models), gathered off the UI thread, with a verdict line and a Copy button for bug
 * reports.
 */
public final class SystemCheckDialog {
    private final Stage stage = new Stage();
    private final TextArea text = new TextArea("Checking this machine (the numerical self-check takes a moment)…");
    private final Label verdict = new Label();

    private SystemCheckDialog(Window owner) {
        stage.initOwner(owner);
        stage.initModality(Modality.NONE);
        stage.setTitle("System check");
        text.setEditable(false);
        text.setWrapText(false);
        text.setId("system-check-text");
        text.setStyle("-fx-font-family: 'DejaVu Sans Mono', monospace; -fx-font-size: 12px;");
        verdict.setId("system-check-verdict");
        verdict.setWrapText(true);
        Button copy = new Button("Copy");
        copy.setOnAction(e -> {
            ClipboardContent c = new ClipboardContent();
            c.putString(text.getText());
            Clipboard.getSystemClipboard().setContent(c);
        });
        Button close = new Button("Close");
        close.setCancelButton(true);
        close.setOnAction(e -> stage.close());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bottom = new HBox(8, verdict, gap, copy, close);
        bottom.setStyle("-fx-padding: 8;");
        BorderPane root = new BorderPane(text, null, null, bottom, null);
        stage.setScene(new Scene(root, 980, 560));
    }

    /**
     * Opens the dialog and gathers the report on a background thread ({@code background} runs it; the result
     * comes back through {@link Platform#runLater}).
     */
    public static Stage show(Window owner, Path workspace, Consumer<Runnable> background) {
        SystemCheckDialog d = new SystemCheckDialog(owner);
        d.stage.show();
        background.accept(() -> {
            String body;
            String line;
            boolean blocked;
            try {
                SystemReport r = SystemReport.gather(workspace, true);
                body = r.render();
                blocked = r.blocked();
                line = blocked ? r.blockers().size() + " problem(s) block training — see the ✗ lines and their fixes."
                        : "Training can start on this machine.";
            } catch (RuntimeException e) {
                body = "The system check failed: " + e;
                line = "The system check itself failed.";
                blocked = true;
            }
            String b = body;
            String l = line;
            boolean bad = blocked;
            Platform.runLater(() -> {
                d.text.setText(b);
                d.verdict.setText(l);
                d.verdict.setStyle(bad ? "-fx-text-fill: #b00020; -fx-font-weight: bold;"
                        : "-fx-text-fill: #1b5e20; -fx-font-weight: bold;");
            });
        });
        return d.stage;
    }
}
