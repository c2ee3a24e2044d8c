package org.lorastudio.reliability.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The write-ahead journal of the durability child: before each edit it appends (and fsyncs) what it is about to
 * write and what the file held, so the parent knows for every file which texts are allowed after any kill. After
 * the edit returns it appends a {@code done} line (no fsync needed: SIGKILL does not lose what reached the page
 * cache), which narrows the allowed texts of that file to the new one.
 *
 * <p>One line per record, fields tab-separated, texts Base64: {@code intent <n> <kind> <target> <old|-> <new>}
 * and {@code done <n>}. A kill in the middle of an append can leave a line without its line break; opening the
 * journal for appending cuts that fragment off first.
 */
final class EditJournal implements AutoCloseable {
    /** What one intent line says. {@code oldText} is null when the file did not exist. */
    record Intent(int index, String kind, String target, String oldText, String newText) {
        String key() {
            return kind + ":" + target;
        }
    }

    /** A parsed journal: intents in order, and the indexes whose write returned. */
    record Contents(List<Intent> intents, Set<Integer> done) {
    }

    private final FileChannel channel;

    private EditJournal(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens {@code file} for appending, first cutting off a trailing partial line a kill may have left. */
    static EditJournal openForAppend(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        ch.truncate(end);
        ch.position(end);
        ch.force(true);
        return new EditJournal(ch);
    }

    /** Appends an intent and forces it to disk before the caller writes. */
    void intent(int index, String kind, String target, String oldText, String newText) throws IOException {
        append("intent\t" + index + "\t" + kind + "\t" + target + "\t" + (oldText == null ? "-" : b64(oldText))
                + "\t" + b64(newText) + "\n");
        channel.force(false);
    }

    void done(int index) throws IOException {
        append("done\t" + index + "\n");
    }

    private void append(String line) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Reads every complete line of {@code file}; a missing file is an empty journal. */
    static Contents read(Path file) throws IOException {
        List<Intent> intents = new ArrayList<>();
        Set<Integer> done = new HashSet<>();
        if (!Files.exists(file)) {
            return new Contents(intents, done);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int lastBreak = text.lastIndexOf('\n');
        String complete = lastBreak < 0 ? "" : text.substring(0, lastBreak);
        for (String line : complete.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "intent" -> intents.add(new Intent(Integer.parseInt(f[1]), f[2], f[3],
                        f[4].equals("-") ? null : unb64(f[4]), unb64(f[5])));
                case "done" -> done.add(Integer.parseInt(f[1]));
                default -> throw new IllegalStateException("bad journal line: " + line);
            }
        }
        return new Contents(intents, done);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
