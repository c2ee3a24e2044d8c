package org.lorastudio.reliability.durable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.lorastudio.config.ConfigWriter;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.notes.NotesFile;

/**
 * The child process of {@link DurableEditsTest}: makes seeded random edits through the code the screens save with
 * ({@link CaptionStore#write} as the caption editor, {@link NotesFile#save} as the notes editor,
 * {@link ConfigWriter#saveText} as the config screen), journaling each one before it writes. Restarted after a
 * kill, it continues with the next edit number, so edit {@code n} is always the same edit.
 *
 * <p>Arguments: workspace folder, seed, total number of edits.
 */
public final class DurableEditsChild {
    private DurableEditsChild() {
    }

    public static void main(String[] args) throws Exception {
        DurableWorkspace ws = DurableWorkspace.at(Path.of(args[0]));
        long seed = Long.parseLong(args[1]);
        int total = Integer.parseInt(args[2]);
        List<EditJournal.Intent> before = EditJournal.read(ws.journal()).intents();
        int start = before.isEmpty() ? 0 : before.get(before.size() - 1).index() + 1;
        CaptionStore txt = CaptionStore.open(ws.txtDir(), Optional.empty());
        CaptionStore csv = CaptionStore.open(ws.csvDir(), Optional.empty());
        Path runDir = ws.runDir();
        Path notes = ws.notesFile();
        Path config = ws.configFile();
        try (EditJournal journal = EditJournal.openForAppend(ws.journal())) {
            for (int i = start; i < total; i++) {
                Random r = new Random(seed * 1_000_003L + i);
                int kind = r.nextInt(100);
                if (kind < 65) {
                    String name = DurableWorkspace.txtName(r.nextInt(DurableWorkspace.TXT_IMAGES));
                    Path image = ws.txtDir().resolve(name);
                    String text = DurableTexts.caption(r, true);
                    journal.intent(i, DurableWorkspace.TXT, name, txt.read(image).orElse(null), text);
                    txt.write(image, text);
                } else if (kind < 80) {
                    String name = DurableWorkspace.csvName(r.nextInt(DurableWorkspace.CSV_IMAGES));
                    Path image = ws.csvDir().resolve(name);
                    String text = DurableTexts.caption(r, false);
                    journal.intent(i, DurableWorkspace.CSV, name, csv.read(image).orElse(null), text);
                    csv.write(image, text);
                } else if (kind < 90) {
                    String old = Files.readString(notes, StandardCharsets.UTF_8);
                    String text = DurableTexts.notes(r);
                    journal.intent(i, DurableWorkspace.NOTES, notes.getFileName().toString(), old, text);
                    NotesFile.save(runDir, text, old);
                } else {
                    String old = Files.readString(config, StandardCharsets.UTF_8);
                    String text = DurableTexts.config(r);
                    journal.intent(i, DurableWorkspace.CONFIG, config.getFileName().toString(), old, text);
                    ConfigWriter.saveText(config, text);
                }
                journal.done(i);
            }
        }
        System.out.println("finished " + total);
    }
}
