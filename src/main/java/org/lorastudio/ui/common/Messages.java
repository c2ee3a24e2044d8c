package org.lorastudio.ui.common;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Plain-language error messages for the screens: one sentence for the user, the detail once in the log. */
public final class Messages {
    private static final Logger LOG = LoggerFactory.getLogger(Messages.class);

    private Messages() {
    }

    /** One sentence describing {@code error}, without class names or stack traces. */
    public static String plain(Throwable error) {
        if (error instanceof UserException) {
            return error.getMessage();
        }
        if (error instanceof NoSuchFileException e) {
            return "file not found: " + e.getFile();
        }
        if (error instanceof AccessDeniedException e) {
            return "permission denied: " + e.getFile();
        }
        if (error instanceof IOException) {
            return "file error: " + error.getMessage();
        }
        return "unexpected error (" + error.getClass().getSimpleName() + "): " + error.getMessage()
                + "; the log has the details";
    }

    /** Shows an error notification near {@code owner} and logs the detail. */
    public static void showError(Node owner, String title, Throwable error) {
        LOG.warn("{}: {}", title, error.toString(), error);
        showError(owner, title, plain(error));
    }

    /** Shows an error notification near {@code owner}; logs only when the node is not in a window yet. */
    public static void showError(Node owner, String title, String text) {
        if (owner == null || owner.getScene() == null || owner.getScene().getWindow() == null) {
            LOG.warn("{}: {}", title, text);
            return;
        }
        Notifications.create().owner(owner).title(title).text(text).position(Pos.BOTTOM_RIGHT)
                .hideAfter(Duration.seconds(8)).showError();
    }

    /** Shows a short information notification. */
    public static void showInfo(Node owner, String title, String text) {
        if (owner == null || owner.getScene() == null || owner.getScene().getWindow() == null) {
            LOG.info("{}: {}", title, text);
            return;
        }
        Notifications.create().owner(owner).title(title).text(text).position(Pos.BOTTOM_RIGHT)
                .hideAfter(Duration.seconds(4)).showInformation();
    }
}
