package org.lorastudio.train.tensorboard;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * Writes a TensorBoard event file (SPEC §5) so {@code tensorboard --logdir workspace/runs} shows the run's curves:
 * {@code events.out.tfevents.<unix seconds>.<host>.lorastudio} in the given folder, a sequence of TFRecords
 * ({@link TfRecord}) each holding one {@code tensorflow.Event} protobuf (tensorflow/core/util/event.proto):
 * the first {@code Event{wall_time = 1, file_version = 3: "brain.Event:2"}}, then scalars as
 * {@code Event{wall_time = 1, step = 2, summary = 5: Summary{value = 1: Value{tag = 1, simple_value = 2}}}}.
 * Every write is flushed, so a crash loses at most the record being written (TensorBoard skips a torn tail).
 * Not thread-safe; the trainer thread owns it.
 */
public final class EventFileWriter implements Closeable {
    static final String FILE_VERSION = "brain.Event:2";

    private final Path file;
    private final OutputStream out;
    private final Clock clock;

    private EventFileWriter(Path file, OutputStream out, Clock clock) {
        this.file = file;
        this.out = out;
        this.clock = clock;
    }

    /** Creates a new event file in {@code dir} (created if missing) using the system clock and host name. */
    public static EventFileWriter create(Path dir) throws IOException {
        return create(dir, Clock.systemUTC(), hostName());
    }

    /** Creates a new event file with an explicit clock and host (tests). */
    public static EventFileWriter create(Path dir, Clock clock, String host) throws IOException {
        Files.createDirectories(dir);
        long seconds = clock.millis() / 1000;
        // a resumed run can start within the same second as the last session: count up rather than collide
        String base = "events.out.tfevents." + seconds + "." + sanitize(host) + ".lorastudio";
        Path file = dir.resolve(base);
        for (int i = 2; Files.exists(file); i++) {
            file = dir.resolve(base + "." + i);
        }
        OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        EventFileWriter w = new EventFileWriter(file, out, clock);
        try {
            w.write(new ProtoWriter().doubleField(1, w.wallTime()).stringField(3, FILE_VERSION));
        } catch (IOException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /** Writes one scalar ({@code tag} e.g. {@code loss}, {@code lr}) at {@code step}. */
    public void addScalar(String tag, float value, long step) throws IOException {
        ProtoWriter v = new ProtoWriter().stringField(1, tag).floatField(2, value);
        ProtoWriter summary = new ProtoWriter().messageField(1, v);
        write(new ProtoWriter().doubleField(1, wallTime()).int64Field(2, step).messageField(5, summary));
    }

    /**
     * Marks a resumed session starting at {@code step}: {@code Event{step = 2, session_log = 7: SessionLog{status = 1:
     * START}}}. TensorBoard then drops the points at {@code step} and later that an earlier session logged before
     * it was killed (they are trained again from the checkpoint), so no step is shown twice — what PyTorch's
     * {@code SummaryWriter(purge_step=...)} writes.
     */
    public void addSessionStart(long step) throws IOException {
        write(new ProtoWriter().doubleField(1, wallTime()).int64Field(2, step)
                .messageField(7, new ProtoWriter().int64Field(1, 1)));
    }

    private double wallTime() {
        return clock.millis() / 1000.0;
    }

    private void write(ProtoWriter event) throws IOException {
        out.write(TfRecord.frame(event.toByteArray()));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** Host name for the file name, falling back to {@code localhost}. */
    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }

    /** Keeps letters, digits, '-' and '_' (dots would confuse the name's fields); anything else becomes '_'. */
    static String sanitize(String host) {
        String s = host == null ? "" : host.replaceAll("[^A-Za-z0-9_-]", "_");
        return s.isEmpty() ? "localhost" : s;
    }
}
