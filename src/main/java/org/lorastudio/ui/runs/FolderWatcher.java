package org.lorastudio.ui.runs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one folder (the runs folder: runs appearing, disappearing) on a daemon thread and calls
 * {@code onChange} once per burst of events, after {@value #QUIET_MS} ms of quiet. Changes inside run folders
 * are picked up by the refresh when the tab is shown.
 */
final class FolderWatcher implements AutoCloseable {
    private static final long QUIET_MS = 300;
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

    private final WatchService service;
    private final Thread thread;

    private FolderWatcher(WatchService service, Path dir, Runnable onChange) {
        this.service = service;
        this.thread = new Thread(() -> loop(onChange), "runs-watcher");
        thread.setDaemon(true);
    }

    /** Starts watching {@code dir}; null when it does not exist or cannot be watched (refresh still works). */
    static FolderWatcher start(Path dir, Runnable onChange) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try {
            WatchService ws = FileSystems.getDefault().newWatchService();
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            FolderWatcher w = new FolderWatcher(ws, dir, onChange);
            w.thread.start();
            return w;
        } catch (IOException e) {
            LOG.warn("cannot watch {} for new runs ({}); use the refresh button", dir, e.getMessage());
            return null;
        }
    }

    private void loop(Runnable onChange) {
        try {
            while (true) {
                WatchKey key = service.take();
                key.pollEvents();
                key.reset();
                // coalesce a burst (a run folder is several files) into one refresh
                WatchKey more;
                while ((more = service.poll(QUIET_MS, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                onChange.run();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: stop watching
        }
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.debug("closing watcher: {}", e.getMessage());
        }
        thread.interrupt();
    }
}
