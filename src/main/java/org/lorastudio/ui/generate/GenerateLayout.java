package org.lorastudio.ui.generate;

import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanExpression;
import javafx.beans.value.ObservableDoubleValue;
import javafx.beans.value.ObservableStringValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** The parts the image and the text mode of the Generate screen share: the form's scroller and the status area. */
final class GenerateLayout {
    private GenerateLayout() {
    }

    /** The form grid: a label column at least {@code labelWidth} wide and a field column that takes the rest. */
    static GridPane formGrid(double labelWidth) {
        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(8);
        form.setPadding(new Insets(10));
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(labelWidth);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().addAll(labels, fields);
        return form;
    }

    /** The form in a vertical scroller that keeps the form's width. */
    static ScrollPane formScroll(Node form) {
        ScrollPane scroll = new ScrollPane(form);
        scroll.setFitToWidth(true);
        scroll.setMinWidth(360);
        return scroll;
    }

    /** Progress bar (shown while running or once progress is made), progress text, and the error message. */
    static VBox statusArea(BooleanExpression running, ObservableDoubleValue progress, ObservableStringValue progressText,
                           ObservableStringValue message) {
        ProgressBar bar = new ProgressBar(0);
        bar.progressProperty().bind(Bindings.createDoubleBinding(progress::get, progress));
        bar.visibleProperty().bind(running.or(Bindings.createBooleanBinding(() -> progress.get() > 0, progress)));
        bar.setPrefWidth(260);
        Label progressLabel = new Label();
        progressLabel.textProperty().bind(progressText);
        Label messageLabel = new Label();
        messageLabel.textProperty().bind(message);
        messageLabel.setWrapText(true);
        messageLabel.setStyle("-fx-text-fill: #b3261e;");
        HBox status = new HBox(10, bar, progressLabel);
        status.setAlignment(Pos.CENTER_LEFT);
        VBox top = new VBox(4, status, messageLabel);
        top.setPadding(new Insets(10, 10, 0, 10));
        return top;
    }
}
