package org.lorastudio.reliability.kill;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunRecord;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.train.tensorboard.TfRecord;

/**
 * Opens every file of a run folder with the reader it is meant for and lists what does not parse: {@code run.json},
 * {@code config.yaml}, {@code notes.md} (strict UTF-8), {@code metrics.jsonl} line by line (only the very last line
 * may be torn, and {@link MetricsLog#read} must tolerate it), every {@code .safetensors} with all its tensors, every
 * PNG, every JSON, the TensorBoard event files record by record (CRC-checked; only a torn tail is allowed), and every
 * checkpoint folder (complete: state, LoRA, optimizer). Anything else, such as a temporary file left by an
 * interrupted write, is a problem too.
 */
final class RunFolderAudit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> problems = new ArrayList<>();
    private int filesChecked;
    private int tornMetricsLines;

    private RunFolderAudit() {
    }

    /** Audits {@code runDir}; see the class comment. */
    static RunFolderAudit of(Path runDir) throws IOException {
        RunFolderAudit a = new RunFolderAudit();
        try (Stream<Path> walk = Files.walk(runDir)) {
            for (Path p : walk.sorted().toList()) {
                if (p.equals(runDir)) {
                    continue;
                }
                String rel = runDir.relativize(p).toString().replace('\\', '/');
                try {
                    a.check(rel, p);
                } catch (IOException | RuntimeException e) {
                    a.problems.add(rel + ": " + e);
                }
            }
        }
        return a;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    int filesChecked() {
        return filesChecked;
    }

    int tornMetricsLines() {
        return tornMetricsLines;
    }

    private void check(String rel, Path p) throws IOException {
        String name = p.getFileName().toString();
        if (Files.isDirectory(p)) {
            if (rel.equals("samples") || rel.equals("checkpoints")) {
                return;
            }
            if (rel.matches("checkpoints/step-\\d{6,}")) {
                for (String part : List.of("state.json", "lora.safetensors", "optimizer-unet.safetensors")) {
                    if (!Files.isRegularFile(p.resolve(part))) {
                        problems.add(rel + ": incomplete checkpoint, no " + part);
                    }
                }
                return;
            }
            problems.add(rel + ": unexpected folder");
            return;
        }
        filesChecked++;
        if (name.startsWith(".")) {
            problems.add(rel + ": left-over temporary file");
        } else if (rel.equals("run.json")) {
            RunRecord.read(p);
        } else if (rel.equals("config.yaml")) {
            TrainingConfig.fromYaml(p);
        } else if (rel.equals("notes.md")) {
            strictUtf8(p);
        } else if (rel.equals("metrics.jsonl")) {
            metrics(rel, p);
        } else if (name.endsWith(".safetensors")) {
            try (SafetensorsFile f = SafetensorsFile.open(p)) {
                for (String k : f.tensors().keySet()) {
                    f.map(k);
                }
            }
        } else if (name.endsWith(".png")) {
            if (ImageIO.read(p.toFile()) == null) {
                problems.add(rel + ": not a readable PNG");
            }
        } else if (name.endsWith(".json")) {
            JSON.readTree(p.toFile());
        } else if (name.startsWith("events.out.tfevents.")) {
            tensorBoard(rel, p);
        } else {
            problems.add(rel + ": unexpected file");
        }
    }

    private static void strictUtf8(Path p) throws IOException {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(p)));
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8", e);
        }
    }

    /** Every line but the last must be a point; the last may be torn (and then the reader must skip it). */
    private void metrics(String rel, Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        int parsed = 0;
        for (int i = 0; i < lines.size(); i++) {
            Path one = Files.createTempFile("metrics-line", ".jsonl");
            boolean ok;
            try {
                Files.writeString(one, lines.get(i) + "\n");
                ok = MetricsLog.read(one).size() == 1; // a single bad line counts as a torn last line: empty
            } finally {
                Files.delete(one);
            }
            if (ok) {
                parsed++;
            } else {
                if (i < lines.size() - 1) {
                    problems.add(rel + " line " + (i + 1) + " is damaged: " + lines.get(i));
                } else {
                    tornMetricsLines++;
                }
            }
        }
        if (MetricsLog.read(p).size() != parsed) {
            problems.add(rel + ": MetricsLog.read returned another number of points than the file holds");
        }
    }

    /** TFRecords: length, masked CRC of the length, data, masked CRC of the data; a short tail is a torn write. */
    private void tensorBoard(String rel, Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() > 0) {
            if (b.remaining() < 12) {
                return; // torn header at the end: TensorBoard stops there
            }
            int start = b.position();
            long len = b.getLong();
            int lenCrc = b.getInt();
            if (TfRecord.unmask(lenCrc) != TfRecord.crc32c(b.array(), start, 8)) {
                problems.add(rel + ": bad length CRC at byte " + start);
                return;
            }
            if (b.remaining() < len + 4) {
                return; // torn record at the end
            }
            int dataAt = b.position();
            b.position(dataAt + (int) len);
            int dataCrc = b.getInt();
            if (TfRecord.unmask(dataCrc) != TfRecord.crc32c(b.array(), dataAt, (int) len)) {
                problems.add(rel + ": bad data CRC at byte " + start);
                return;
            }
            tbEvents.computeIfAbsent(p.getFileName().toString(), k -> new ArrayList<>())
                    .add(decode(ByteBuffer.wrap(b.array(), dataAt, (int) len).slice().order(ByteOrder.LITTLE_ENDIAN)));
        }
    }

    /** One TensorBoard event: a scalar ({@code tag}, {@code value}) or a session start, at {@code step}. */
    record TbEvent(long step, String tag, Float value, boolean sessionStart) {
    }

    private final Map<String, List<TbEvent>> tbEvents = new TreeMap<>();

    /**
     * The scalars of {@code tag} as TensorBoard shows them: event files in name (creation) order, and a session
     * start at step s dropping the points at s and after that earlier files logged (TensorBoard's purge of orphaned
     * data). Each step maps to every value shown for it, so a step shown twice is visible.
     */
    Map<Long, List<Float>> tensorBoard(String tag) {
        Map<Long, List<Float>> shown = new TreeMap<>();
        for (List<TbEvent> events : tbEvents.values()) {
            for (TbEvent e : events) {
                if (e.sessionStart()) {
                    shown.keySet().removeIf(step -> step >= e.step());
                } else if (tag.equals(e.tag())) {
                    shown.computeIfAbsent(e.step(), k -> new ArrayList<>()).add(e.value());
                }
            }
        }
        return shown;
    }

    /** One record through TensorBoard's own proto classes (images and other summaries carry no scalar). */
    private static TbEvent decode(ByteBuffer b) throws IOException {
        byte[] data = new byte[b.remaining()];
        b.get(data);
        org.tensorflow.util.Event e = org.tensorflow.util.Event.parseFrom(data);
        boolean start = e.hasSessionLog()
                && e.getSessionLog().getStatus() == org.tensorflow.util.SessionLog.SessionStatus.START;
        String tag = null;
        Float value = null;
        if (e.hasSummary()) {
            for (org.tensorflow.framework.Summary.Value v : e.getSummary().getValueList()) {
                if (v.getValueCase() == org.tensorflow.framework.Summary.Value.ValueCase.SIMPLE_VALUE) {
                    tag = v.getTag();
                    value = v.getSimpleValue();
                }
            }
        }
        return new TbEvent(e.getStep(), tag, value, start);
    }
}
