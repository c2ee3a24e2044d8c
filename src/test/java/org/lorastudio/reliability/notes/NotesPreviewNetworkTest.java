package org.lorastudio.reliability.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import javafx.concurrent.Worker;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.scene.web.WebView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.ui.notes.MarkdownRenderer;
import org.lorastudio.ui.notes.PreviewPane;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Issue 9, item 6, in the real preview: the notes view (a JavaFX WebView with JavaScript off) shows hostile notes
 * that point at a web server on this machine, and the server must see no request at all. A plain WebView given
 * the same image first proves that the server would see one, so the silence means something.
 */
@ExtendWith(ApplicationExtension.class)
class NotesPreviewNetworkTest {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private String base;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        stage.setScene(new Scene(new StackPane(), 800, 600));
        stage.show();
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestURI().toString());
            byte[] body = "x".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    @Test
    void thePreviewRunsNoScriptAndFetchesNothing(FxRobot robot, @TempDir Path dir) throws Exception {
        Files.write(dir.resolve("local.png"), new byte[0]);
        // control: an unprotected WebView does fetch the image
        WebView[] holder = new WebView[1];
        robot.interact(() -> {
            holder[0] = new WebView();
            ((StackPane) stage.getScene().getRoot()).getChildren().setAll(holder[0]);
            holder[0].getEngine().loadContent("<html><body><img src=\"" + base + "/control.png\"></body></html>");
        });
        waitUntil(() -> requests.contains("/control.png"), 15);
        assertThat(requests).as("the plain WebView fetched the image (else this test proves nothing)")
                .contains("/control.png");
        requests.clear();

        String notes = String.join("\n\n",
                "# Hostile notes",
                "![pixel](" + base + "/markdown-image.png)",
                "![ref][r]",
                "<img src=\"" + base + "/raw-img.png\">",
                "<script src=\"" + base + "/script.js\"></script>",
                "<iframe src=\"" + base + "/iframe.html\"></iframe>",
                "<link rel=\"stylesheet\" href=\"" + base + "/style.css\">",
                "<div style=\"background:url(" + base + "/css-bg.png)\">x</div>",
                "![entity](ht&#x09;tp://127.0.0.1:" + server.getAddress().getPort() + "/entity.png)",
                "[link](" + base + "/link.html) and [js](javascript:fetch('" + base + "/js'))",
                "![local](local.png)",
                "| a | b |\n|---|---|\n| ![t](" + base + "/table.png) | <img src=" + base + "/cell.png> |",
                "[r]: " + base + "/reference.png");
        String page = new MarkdownRenderer().page(notes, dir);
        PreviewPane[] pane = new PreviewPane[1];
        robot.interact(() -> {
            pane[0] = new PreviewPane();
            ((StackPane) stage.getScene().getRoot()).getChildren().setAll(pane[0]);
            pane[0].show(page);
        });
        assertThat(onFx(() -> pane[0].webView().getEngine().isJavaScriptEnabled())).as("JavaScript in the notes view")
                .isFalse();
        waitUntil(() -> onFx(() -> pane[0].webView().getEngine().getLoadWorker().getState()) == Worker.State.SUCCEEDED,
                15);
        assertThat(onFx(() -> pane[0].webView().getEngine().getLoadWorker().getState())).isEqualTo(Worker.State.SUCCEEDED);
        assertThat(onFx(() -> pane[0].webView().getEngine().getDocument().getElementsByTagName("img").getLength()))
                .as("images in the shown page").isGreaterThanOrEqualTo(3);
        // give any late fetch (images, styles) time to arrive
        Thread.sleep(1500);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(requests).as("requests the notes preview made to the web server").isEmpty();
    }

    private static <T> T onFx(java.util.concurrent.Callable<T> query) {
        try {
            return WaitForAsyncUtils.asyncFx(query).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            WaitForAsyncUtils.waitForFxEvents();
            Thread.sleep(50);
        }
    }
}
