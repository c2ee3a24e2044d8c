package org.lorastudio.run;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.lorastudio.util.AtomicFiles;
import org.lorastudio.util.FaultPoints;
import org.lorastudio.util.UserException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only {@code metrics.jsonl} of a run: one JSON object per logged step (SPEC §5).
 *
 * <p>Crash safety: each point is encoded first and handed to the OS in one write of the whole line with its
 * newline, with no buffer in this process, so a killed process ({@code kill -9}) loses at most the line being
 * written. The file is forced to disk every {@value #SYNC_EVERY_LINES} lines, every
 * {@value #SYNC_EVERY_SECONDS} seconds and on close, bounding what a power loss can take. A crash can therefore
 * leave at most one torn line, and only at the end: {@link #read} ignores it, {@link #open} cuts it off before
 * appending so that it never ends up in the middle.
 */
public final class MetricsLog implements Closeable {
    /** The file name inside a run folder. */
    public static final String FILE_NAME = "metrics.jsonl";
    static final int SYNC_EVERY_LINES = 50;
    static final long SYNC_EVERY_SECONDS = 10;
    /** A metrics line is well under 1 KiB; a longer tail is not one of ours and is not worth parsing. */
    private static final int MAX_TAIL_BYTES = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);

    private final Path file;
    private final FileChannel channel;
    private int unsyncedLines;
    private long lastSyncNanos = System.nanoTime();

    private MetricsLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Opens {@code file} for appending, creating it if needed. A torn last line left by a crash is cut off first
     * (it was never a complete point), with a warning in the log.
     */
    public static MetricsLog open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            cutTornTail(file, ch);
            ch.position(ch.size());
            return new MetricsLog(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens the log of a run resumed from the checkpoint at {@code lastStep}: points logged after that step were
     * made by training that is about to be repeated, so they are removed (atomically) before appending.
     */
    public static MetricsLog resume(Path file, long lastStep) throws IOException {
        if (Files.exists(file)) {
            StringBuilder kept = new StringBuilder();
            forEachLine(file, (line, point) -> {
                if (point.step() <= lastStep) {
                    kept.append(line).append('\n');
                }
            });
            AtomicFiles.writeString(file, kept.toString());
        }
        return open(file);
    }

    /** Appends one point as one line; see the class comment for what survives a crash. */
    public synchronized void append(MetricPoint point) throws IOException {
        FileErrors.writing(file, () -> write(point));
    }

    private void write(MetricPoint point) throws IOException {
        byte[] line;
        try {
            line = (Json.MAPPER.writeValueAsString(point.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metric point cannot be serialized", e);
        }
        ByteBuffer buf = ByteBuffer.wrap(line);
        if (FaultPoints.enabled()) { // test-only: tear the line exactly as a crash mid-write would
            ByteBuffer half = ByteBuffer.wrap(line, 0, line.length / 2);
            while (half.hasRemaining()) {
                channel.write(half);
            }
            FaultPoints.reached("metrics.mid-line");
            buf.position(line.length / 2);
        }
        // A FileChannel writes a whole buffer to a local file in one call; the loop only guards the contract.
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        unsyncedLines++;
        if (unsyncedLines >= SYNC_EVERY_LINES
                || System.nanoTime() - lastSyncNanos >= SYNC_EVERY_SECONDS * 1_000_000_000L) {
            sync();
        }
    }

    /** Forces everything appended so far to disk. */
    public synchronized void sync() throws IOException {
        channel.force(false);
        unsyncedLines = 0;
        lastSyncNanos = System.nanoTime();
    }

    /** The file this log writes. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel.isOpen()) {
            try {
                sync();
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Reads every point of a log; a missing file is an empty log. A torn or unparseable last line (a crash during
     * a write) is ignored; a bad line before it is a {@link UserException} naming the file and the line number,
     * since that is damage, not an interrupted write. Blank lines are skipped.
     */
    public static List<MetricPoint> read(Path file) {
        List<MetricPoint> points = new ArrayList<>();
        try {
            forEachLine(file, (line, point) -> points.add(point));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return List.copyOf(points);
    }

    /** The last point of a log, if it has any. */
    public static Optional<MetricPoint> last(Path file) {
        List<MetricPoint> points = read(file);
        return points.isEmpty() ? Optional.empty() : Optional.of(points.get(points.size() - 1));
    }

    @FunctionalInterface
    private interface LineVisitor {
        void visit(String line, MetricPoint point);
    }

    private static void forEachLine(Path file, LineVisitor visitor) throws IOException {
        // InputStreamReader replaces malformed bytes instead of failing: a crash can cut a multi-byte character
        // in half, and that torn line must be ignorable like any other.
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String pendingProblem = null;
            int pendingLine = 0;
            int lineNr = 0;
            String line;
            while ((line = in.readLine()) != null) {
                lineNr++;
                if (line.isBlank()) {
                    continue;
                }
                if (pendingProblem != null) {
                    throw badLine(file, pendingLine, pendingProblem);
                }
                try {
                    visitor.visit(line, MetricPoint.fromJson(Json.MAPPER.readTree(line)));
                } catch (JsonProcessingException e) {
                    pendingProblem = "not valid JSON (" + e.getOriginalMessage() + ")";
                    pendingLine = lineNr;
                } catch (IllegalArgumentException e) {
                    pendingProblem = e.getMessage();
                    pendingLine = lineNr;
                }
            }
            if (pendingProblem != null) {
                LOG.warn("{}: ignoring incomplete last line {} ({}), probably cut off by a crash",
                        file, pendingLine, pendingProblem);
            }
        }
    }

    private static UserException badLine(Path file, int lineNr, String problem) {
        return new UserException(file + " line " + lineNr + " is not a valid metrics record: " + problem
                + "; fix or delete that line");
    }

    /**
     * Cuts the bytes after the last newline, the remains of a write interrupted by a crash; if they happen to be
     * a complete point (only the newline is missing), the newline is added instead.
     */
    private static void cutTornTail(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0 || byteAt(ch, size - 1) == '\n') {
            return;
        }
        long pos = size - 1;
        while (pos > 0 && byteAt(ch, pos - 1) != '\n') {
            pos--;
        }
        if (isCompletePoint(ch, pos, size)) {
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size);
        } else {
            LOG.warn("{}: removing an incomplete last line ({} bytes) left by an interrupted run", file, size - pos);
            ch.truncate(pos);
        }
        ch.force(false);
    }

    private static boolean isCompletePoint(FileChannel ch, long from, long to) throws IOException {
        if (to - from > MAX_TAIL_BYTES) {
            return false;
        }
        ByteBuffer tail = ByteBuffer.allocate((int) (to - from));
        while (tail.hasRemaining() && ch.read(tail, from + tail.position()) > 0) {
            // read until full
        }
        try {
            MetricPoint.fromJson(Json.MAPPER.readTree(new String(tail.array(), StandardCharsets.UTF_8)));
            return true;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte byteAt(FileChannel ch, long pos) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        if (ch.read(one, pos) != 1) {
            throw new IOException("cannot read byte " + pos);
        }
        return one.get(0);
    }
}
