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
import java.util.List;
import java.util.Locale;

/**
 * Writes a TensorBoard event file (SPEC §5) so {@code tensorboard --logdir workspace/runs} shows the run's curves and
 * samples: {@code events.out.tfevents.<unix seconds>.<host>.lorastudio} in the given folder, a sequence of TFRecords
 * ({@link TfRecord}) each holding one {@code tensorboard.Event} protobuf (tensorboard/compat/proto/event.proto,
 * summary.proto). One writer is one training session; {@link #create} writes
 * <ol>
 *   <li>{@code Event{wall_time = 1, file_version = 3: "brain.Event:2"}}, then</li>
 *   <li>{@code Event{wall_time = 1, step = 2: first, session_log = 7: SessionLog{status = 1: START}}}, where
 *       {@code first} is the first step the session trains,</li>
 * </ol>
 * and after that scalars {@code Event{wall_time, step, summary = 5: Summary{value = 1: Value{tag = 1,
 * simple_value = 2}}}} and images {@code ... Value{tag = 1, image = 4: Image{height = 1, width = 2, colorspace = 3,
 * encoded_image_string = 4: PNG bytes}}}.
 *
 * <p>Every session starts with START, the first one too: TensorBoard's loader drops, on each START, the points an
 * earlier session logged at the START's step or later (they are trained again from the checkpoint), so a killed and
 * resumed run shows no step twice — what PyTorch's {@code SummaryWriter(purge_step=...)} does. A reader that ignores
 * the first START of a run (as the legacy Python loader does) still sees each resume's, now never the first. A new
 * run's START (step 1) purges nothing.
 *
 * <p>Every write is flushed, so a crash loses at most the record being written (TensorBoard skips a torn tail).
 * Not thread-safe; the trainer thread owns it.
 */
public final class EventFileWriter implements Closeable {
    static final String FILE_VERSION = "brain.Event:2";
    /** {@code SessionLog.SessionStatus.START}. */
    static final int SESSION_START = 1;
    /** Tag prefix of sample images: {@code samples/0} is the first sample prompt. */
    static final String SAMPLES_TAG = "samples/";
    static final String VAL_LOSS_TAG = "val_loss";

    private final Path file;
    private final OutputStream out;
    private final Clock clock;

    private EventFileWriter(Path file, OutputStream out, Clock clock) {
        this.file = file;
        this.out = out;
        this.clock = clock;
    }

    /**
     * Creates a new event file in {@code dir} (created if missing) for a session whose first optimizer step is
     * {@code firstStep} (1 for a new run, checkpoint step + 1 on resume), using the system clock and host name.
     */
    public static EventFileWriter create(Path dir, long firstStep) throws IOException {
        return create(dir, firstStep, Clock.systemUTC(), hostName());
    }

    /** Creates a new event file with an explicit clock and host (tests). */
    public static EventFileWriter create(Path dir, long firstStep, Clock clock, String host) throws IOException {
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
            w.write(new ProtoWriter().doubleField(1, w.wallTime()).int64Field(2, firstStep)
                    .messageField(7, new ProtoWriter().int64Field(1, SESSION_START)));
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
        writeValue(new ProtoWriter().stringField(1, tag).floatField(2, value), step);
    }

    /** Writes the validation loss at {@code step} (tag {@code val_loss}). */
    public void addValidationLoss(float value, long step) throws IOException {
        addScalar(VAL_LOSS_TAG, value, step);
    }

    /** Writes one PNG image at {@code step}; its size and colour space come from the PNG header. */
    public void addImage(String tag, byte[] png, long step) throws IOException {
        Png.Header h = Png.header(png, tag);
        ProtoWriter image = new ProtoWriter().int64Field(1, h.height()).int64Field(2, h.width())
                .int64Field(3, h.colorspace()).bytesField(4, png);
        writeValue(new ProtoWriter().stringField(1, tag).messageField(4, image), step);
    }

    /**
     * Writes the sample images a task made at {@code step}, in prompt order as {@code TrainingTask.sample} returns
     * them: the file at index {@code k} becomes tag {@code samples/k}. Files that are not {@code .png} (a language
     * model's {@code .txt} samples) are left out; their index is still counted, so the tag stays the prompt's.
     */
    public void addSampleImages(List<Path> files, long step) throws IOException {
        for (int k = 0; k < files.size(); k++) {
            Path f = files.get(k);
            if (f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                addImage(SAMPLES_TAG + k, Files.readAllBytes(f), step);
            }
        }
    }

    private double wallTime() {
        return clock.millis() / 1000.0;
    }

    /** {@code Event{wall_time, step, summary: Summary{value: [value]}}}. */
    private void writeValue(ProtoWriter value, long step) throws IOException {
        ProtoWriter summary = new ProtoWriter().messageField(1, value);
        write(new ProtoWriter().doubleField(1, wallTime()).int64Field(2, step).messageField(5, summary));
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
