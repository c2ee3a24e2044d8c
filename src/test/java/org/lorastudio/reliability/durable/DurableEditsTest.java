package org.lorastudio.reliability.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.testing.ChildJvm;
import org.lorastudio.util.AtomicFiles;

/**
 * Issue 9 item 2: a child process makes {@value #DEFAULT_EDITS} seeded random edits to captions ({@code .txt} and
 * {@code metadata.csv}), {@code notes.md} and a config through the screens' save code while this test SIGKILLs it
 * at random moments and starts it again. Afterwards every file holds exactly the text it held before its last
 * edit or the text of that edit, never an empty or partial file, and no temporary file is taken for data.
 *
 * <p>{@code -Ddurable.edits=N} and {@code -Ddurable.seed=S} change the run; the figures are printed.
 */
class DurableEditsTest {
    static final int DEFAULT_EDITS = 1000;
    private static final int EDITS = Integer.getInteger("durable.edits", DEFAULT_EDITS);
    private static final long SEED = Long.getLong("durable.seed", 20261129L);
    /**
     * Each child is killed after it has started a random number of edits, 1 to this many, plus a random 0–2 ms so
     * that the kill lands anywhere inside an edit. Counting edits instead of waiting a random time keeps the number
     * of kills independent of the machine's speed (on a quiet machine a child makes 1,000 edits in under a second).
     */
    private static final int MAX_EDITS_BEFORE_KILL = Integer.getInteger("durable.maxEditsBeforeKill", 60);

    @TempDir
    Path tmp;

    @Test
    void afterRandomKillsEveryFileHoldsItsOldOrItsNewText() throws Exception {
        DurableWorkspace ws = DurableWorkspace.create(tmp.resolve("ws"));
        Map<String, String> initial = ws.currentTexts();
        Random random = new Random(SEED);
        long started = System.nanoTime();
        int runs = 0;
        int kills = 0;
        int tempsAfterKills = 0;
        int attempted = 0;
        String childFailure = null;
        while (attempted < EDITS && childFailure == null) {
            assertThat(runs).as("child runs without progress").isLessThan(EDITS + 20);
            long before = size(ws.journal());
            ChildJvm.Running child = ChildJvm.of(DurableEditsChild.class)
                    .args(ws.root().toString(), Long.toString(SEED), Integer.toString(EDITS))
                    .output(tmp.resolve("child-" + runs + ".log")).start();
            runs++;
            int killAfter = attempted + 1 + random.nextInt(MAX_EDITS_BEFORE_KILL);
            long delayMs = random.nextInt(3);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (child.process().isAlive() && (size(ws.journal()) <= before
                    || EditJournal.read(ws.journal()).intents().size() < killAfter) && System.nanoTime() < deadline) {
                Thread.sleep(0, 200_000);
            }
            if (child.process().isAlive()) {
                Thread.sleep(delayMs);
            }
            if (child.process().isAlive()) {
                child.kill();
                kills++;
            } else {
                ChildJvm.Result result = child.await(10);
                if (result.exitCode() != 0 || !result.output().contains("finished " + EDITS)) {
                    childFailure = "child run " + runs + " failed (exit " + result.exitCode() + "): "
                            + result.output().strip();
                }
            }
            attempted = EditJournal.read(ws.journal()).intents().size();
            tempsAfterKills += (int) ws.allFiles().stream().filter(AtomicFiles::isTemporary).count();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        EditJournal.Contents journal = EditJournal.read(ws.journal());
        int interrupted = journal.intents().size() - journal.done().size();

        List<String> failures = new ArrayList<>();
        if (childFailure != null) {
            failures.add(childFailure);
        }
        Map<String, Set<String>> allowed = new HashMap<>();
        initial.forEach((k, v) -> allowed.put(k, new HashSet<>(Set.of(v))));
        for (EditJournal.Intent e : journal.intents()) {
            Set<String> now = allowed.get(e.key());
            if (!now.contains(e.oldText())) {
                failures.add("edit " + e.index() + " found " + e.key() + " holding " + show(e.oldText())
                        + ", which is none of its allowed texts " + now.stream().map(DurableEditsTest::show)
                        .toList());
            }
            Set<String> next = new HashSet<>();
            next.add(e.newText());
            if (!journal.done().contains(e.index())) {
                next.add(e.oldText());
            }
            allowed.put(e.key(), next);
        }
        Map<String, String> finalTexts = ws.currentTexts();
        finalTexts.forEach((key, text) -> {
            if (!allowed.get(key).contains(text)) {
                failures.add("at the end " + key + " holds " + show(text) + ", allowed: "
                        + allowed.get(key).stream().map(DurableEditsTest::show).toList());
            }
        });
        assertThat(failures).as("files whose text is neither the old nor the new one").isEmpty();
        assertThat(journal.intents()).extracting(EditJournal.Intent::index)
                .as("every edit number attempted exactly once, in order")
                .containsExactlyElementsOf(IntStream.range(0, EDITS).boxed().toList());

        // the data sets read back cleanly, and no temporary file is taken for an image or a caption
        Dataset txt = DatasetScanner.scan(ws.txtDir());
        assertThat(txt.items()).hasSize(DurableWorkspace.TXT_IMAGES);
        for (DatasetItem item : txt.items()) {
            assertThat(item.caption()).as(item.name())
                    .isEqualTo(Optional.of(finalTexts.get(DurableWorkspace.TXT + ":" + item.name())));
        }
        assertThat(txt.problems()).noneMatch(p -> p.message().contains(".tmp") || p.file().contains(".tmp"));
        CaptionStore csv = CaptionStore.open(ws.csvDir(), Optional.empty());
        assertThat(csv.problems()).isEmpty();
        assertThat(DatasetScanner.scan(ws.csvDir()).items()).hasSize(DurableWorkspace.CSV_IMAGES);
        try (var files = Files.list(ws.txtDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")))
                    .hasSize(DurableWorkspace.TXT_IMAGES);
        }
        assertThat(ws.allFiles()).noneMatch(p -> p.getFileName().toString().startsWith("notes.conflict-"));

        // what the last kill left is removed by the next writer (all children are dead now)
        long left = ws.allFiles().stream().filter(AtomicFiles::isTemporary).count();
        ws.writtenFolders().forEach(AtomicFiles::removeStaleTemporaries);
        assertThat(ws.allFiles()).noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));

        System.out.printf("durable edits: %d attempted, %d child runs, %d SIGKILLs (%d in the middle of an edit), "
                        + "%d files checked, %d temp files seen after kills, %d left at the end and removed, "
                        + "%.1f s%n", EDITS, runs, kills, interrupted, finalTexts.size(), tempsAfterKills, left,
                seconds);
        assertThat(kills).as("kills injected").isGreaterThanOrEqualTo(Math.min(10, EDITS / 50));
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    private static String show(String text) {
        if (text == null) {
            return "(no file)";
        }
        String s = text.length() > 60 ? text.substring(0, 60) + "…(" + text.length() + " chars)" : text;
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
