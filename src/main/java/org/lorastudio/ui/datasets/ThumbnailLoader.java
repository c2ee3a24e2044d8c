package org.lorastudio.ui.datasets;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javafx.scene.image.Image;
import org.lorastudio.ui.common.FxBatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads grid thumbnails off the FX thread: the disk cache ({@link ThumbnailCache}) makes or finds the small PNG and
 * the worker decodes it into an {@link Image}; results reach the FX thread in batches ({@link FxBatcher}), and the
 * newest request is served first (a LIFO queue), so while scrolling fast the cells now on screen load before the
 * ones already scrolled past, whose requests cells cancel when they are reused. Recently shown images stay in a
 * small in-memory LRU; everything here except the workers runs on the FX thread.
 */
final class ThumbnailLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ThumbnailLoader.class);
    /** Decoded thumbnails kept in memory: a few screens of 128 px cells (64 KiB each). */
    static final int MEMORY_ENTRIES = 400;

    private record Result(Path image, Image thumb, Consumer<Image> target) {
    }

    private final ThumbnailCache cache;
    private final ThreadPoolExecutor workers;
    private final FxBatcher<Result> delivery = new FxBatcher<>(this::deliver);
    private final Map<Path, Image> memory = new LinkedHashMap<>(MEMORY_ENTRIES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Image> eldest) {
            return size() > MEMORY_ENTRIES;
        }
    };

    ThumbnailLoader(ThumbnailCache cache, int threads) {
        this.cache = cache;
        LinkedBlockingDeque<Runnable> lifo = new LinkedBlockingDeque<>() {
            @Override
            public boolean offer(Runnable r) {
                return super.offerFirst(r);
            }
        };
        this.workers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, lifo, r -> {
            Thread t = new Thread(r, "thumbnails");
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        });
        workers.allowCoreThreadTimeOut(true);
    }

    /** The thumbnail if it is in memory, else {@code null}. */
    Image cached(Path image) {
        return memory.get(image);
    }

    /**
     * Requests a thumbnail; {@code target} gets it on the FX thread ({@code null} when the image cannot be read).
     *
     * @return a handle that cancels the request if it has not started
     */
    Future<?> request(Path image, Consumer<Image> target) {
        return workers.submit(() -> {
            Image thumb = null;
            try {
                Path file = cache.thumbnail(image);
                thumb = new Image(file.toUri().toString());
                if (thumb.isError()) {
                    thumb = null;
                }
            } catch (Exception e) {
                LOG.debug("no thumbnail for {}: {}", image, e.toString());
            }
            delivery.add(new Result(image, thumb, target));
        });
    }

    private void deliver(List<Result> results) {
        for (Result r : results) {
            if (r.thumb() != null) {
                memory.put(r.image(), r.thumb());
            }
            r.target().accept(r.thumb());
        }
    }

    /** Whether no thumbnail is being made or waiting (the screenshot mode waits for it). */
    boolean idle() {
        return workers.getQueue().isEmpty() && workers.getActiveCount() == 0 && delivery.isEmpty();
    }

    /** Requests not started yet (for the benchmark). */
    int queued() {
        return workers.getQueue().size();
    }

    void shutdown() {
        workers.shutdownNow();
    }
}
