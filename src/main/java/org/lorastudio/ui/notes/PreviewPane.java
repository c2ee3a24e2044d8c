package org.lorastudio.ui.notes;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.net.URI;

import javafx.application.Platform;
import javafx.scene.layout.StackPane;
import javafx.scene.web.WebView;

/**
 * A read-only HTML view for rendered notes: JavaScript off, no context menu, and no navigation — a clicked link
 * does not replace the notes; web links go to the system browser where there is one.
 */
public final class PreviewPane extends StackPane {
    private final WebView web = new WebView();
    private String html = "";

    public PreviewPane() {
        web.getEngine().setJavaScriptEnabled(false);
        web.setContextMenuEnabled(false);
        web.getEngine().locationProperty().addListener((o, old, location) -> {
            if (location != null && !location.isEmpty() && !location.startsWith("about:")) {
                // a link was followed: show the notes again, and hand web links to the browser
                Platform.runLater(() -> web.getEngine().loadContent(html));
                if (location.startsWith("http://") || location.startsWith("https://")) {
                    browse(location);
                }
            }
        });
        getChildren().add(web);
    }

    /** Shows a page made by {@link MarkdownRenderer#page}. */
    public void show(String page) {
        if (!page.equals(html)) {
            html = page;
            web.getEngine().loadContent(page);
        }
    }

    public WebView webView() {
        return web;
    }

    /** The page last shown. */
    public String html() {
        return html;
    }

    private static void browse(String url) {
        Thread t = new Thread(() -> {
            try {
                if (!GraphicsEnvironment.isHeadless() && Desktop.isDesktopSupported()
                        && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                    Desktop.getDesktop().browse(URI.create(url));
                }
            } catch (Exception e) {
                // no browser: the link simply does nothing
            }
        }, "open-link");
        t.setDaemon(true);
        t.start();
    }
}
