package org.lorastudio.ui.datasets;

import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javafx.beans.InvalidationListener;
import javafx.css.PseudoClass;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import org.controlsfx.control.GridCell;
import org.lorastudio.dataset.DatasetProblem;

/**
 * One grid cell: the thumbnail (loaded in the background, a grey box until then), the file name, and badges for
 * check problems, a missing caption and unsaved edits. Cells are reused while scrolling, so each rebinding cancels
 * the previous thumbnail request and moves its listeners to the new entry.
 */
final class ImageCell extends GridCell<ImageEntry> {
    private static final PseudoClass SELECTED = PseudoClass.getPseudoClass("picked");

    private final DatasetsViewModel vm;
    private final ThumbnailLoader thumbnails;
    private final ImageView view = new ImageView();
    private final Label name = new Label();
    private final HBox badges = new HBox(3);
    /** Created when first shown and only in the scene while shown: most cells never need one, and every node in
     * a cell costs CSS work each time the grid reuses the cell for another row while scrolling. */
    private Label errorBadge;
    private Label warnBadge;
    private Label captionBadge;
    private Label dirtyBadge;
    private final Tooltip tooltip = new Tooltip();
    private final InvalidationListener stateListener = o -> refreshState();
    private final BorderPane content;
    private ImageEntry bound;
    private Future<?> pending;

    ImageCell(DatasetsViewModel vm, ThumbnailLoader thumbnails, double side) {
        this.vm = vm;
        this.thumbnails = thumbnails;
        getStyleClass().add("image-cell");
        view.setFitWidth(side);
        view.setFitHeight(side);
        view.setPreserveRatio(true);
        badges.setAlignment(Pos.TOP_LEFT);
        badges.setMouseTransparent(true);
        badges.setPickOnBounds(false);
        StackPane top = new StackPane(view, badges);
        top.getStyleClass().add("thumb-box");
        top.setMinSize(side, side);
        top.setPrefSize(side, side);
        top.setMaxSize(side, side);
        StackPane.setAlignment(badges, Pos.TOP_LEFT);
        name.setTextOverrun(OverrunStyle.CENTER_ELLIPSIS);
        name.setMaxWidth(side);
        name.getStyleClass().add("image-name");
        BorderPane box = new BorderPane(top);
        box.setBottom(name);
        BorderPane.setAlignment(name, Pos.CENTER);
        // The graphic stays for the cell's life and is hidden when the cell is empty: the grid's rows empty and
        // refill every cell they reuse, and removing and re-adding a graphic re-applied CSS to the whole subtree,
        // which was most of the time per scroll frame.
        box.setVisible(false);
        setGraphic(box);
        setText(null);
        // The tooltip is built when it is about to show, not on every rebinding while scrolling.
        tooltip.setOnShowing(e -> tooltip.setText(tooltipText()));
        setTooltip(tooltip);
        setOnMouseClicked(e -> {
            if (bound == null || e.getButton() != MouseButton.PRIMARY) {
                return;
            }
            DatasetsViewModel.SelectMode mode = e.isShiftDown() ? DatasetsViewModel.SelectMode.RANGE
                    : e.isShortcutDown() ? DatasetsViewModel.SelectMode.TOGGLE : DatasetsViewModel.SelectMode.SINGLE;
            vm.select(bound, mode);
            getGridView().requestFocus();
        });
        this.content = box;
    }

    /** Whether the thumbnail is showing (for the benchmark). */
    boolean hasImage() {
        return view.getImage() != null;
    }

    private static Label badge(String text, String style) {
        Label l = new Label(text);
        l.getStyleClass().addAll("badge", style);
        return l;
    }

    @Override
    protected void updateItem(ImageEntry item, boolean empty) {
        super.updateItem(item, empty);
        if (bound != item) {
            unbind();
        }
        if (empty || item == null) {
            content.setVisible(false);
            return;
        }
        content.setVisible(true);
        if (bound != item) {
            bound = item;
            item.selectedProperty().addListener(stateListener);
            item.dirtyProperty().addListener(stateListener);
            item.problemsProperty().addListener(stateListener);
            item.captionProperty().addListener(stateListener);
            name.setText(item.name());
            Image cached = thumbnails.cached(item.image());
            view.setImage(cached);
            if (cached == null) {
                pending = thumbnails.request(item.image(), img -> {
                    if (bound == item) {
                        view.setImage(img);
                    }
                });
            }
        }
        refreshState();
    }

    private void unbind() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
        if (bound != null) {
            bound.selectedProperty().removeListener(stateListener);
            bound.dirtyProperty().removeListener(stateListener);
            bound.problemsProperty().removeListener(stateListener);
            bound.captionProperty().removeListener(stateListener);
            bound = null;
        }
        view.setImage(null);
    }

    private void refreshState() {
        ImageEntry e = bound;
        if (e == null) {
            return;
        }
        pseudoClassStateChanged(SELECTED, e.isSelected());
        boolean errors = e.hasErrors();
        boolean warnings = !errors && !e.problems().isEmpty();
        if (errors || warnings || e.missingCaption() || e.isDirty() || !badges.getChildren().isEmpty()) {
            if (errors && errorBadge == null) {
                errorBadge = badge("!", "badge-error");
            }
            if (warnings && warnBadge == null) {
                warnBadge = badge("!", "badge-warning");
            }
            if (e.missingCaption() && captionBadge == null) {
                captionBadge = badge("no caption", "badge-caption");
            }
            if (e.isDirty() && dirtyBadge == null) {
                dirtyBadge = badge("●", "badge-dirty");
            }
            java.util.List<Label> shown = new java.util.ArrayList<>(4);
            add(shown, errorBadge, errors);
            add(shown, warnBadge, warnings);
            add(shown, captionBadge, e.missingCaption());
            add(shown, dirtyBadge, e.isDirty());
            if (!badges.getChildren().equals(shown)) {
                badges.getChildren().setAll(shown);
            }
        }
    }

    private static void add(java.util.List<Label> shown, Label badge, boolean on) {
        if (on) {
            shown.add(badge);
        }
    }

    private String tooltipText() {
        ImageEntry e = bound;
        if (e == null) {
            return "";
        }
        StringBuilder tip = new StringBuilder(e.name());
        e.size().ifPresent(s -> tip.append("  ").append(s));
        if (!e.problems().isEmpty()) {
            tip.append('\n').append(e.problems().stream().map(DatasetProblem::message)
                    .collect(Collectors.joining("\n")));
        }
        return tip.toString();
    }

}
