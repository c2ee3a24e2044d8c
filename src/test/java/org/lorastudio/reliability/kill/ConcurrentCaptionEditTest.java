package org.lorastudio.reliability.kill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.SavePrecision;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.notes.RunNotes;
import org.lorastudio.run.DatasetSnapshot;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;
import org.lorastudio.train.TrainingEvent;

/**
 * Issue 9 item 7: captions edited (through the studio's {@link CaptionStore}) while a run trains, or while it is
 * stopped before a resume, do not change the run: it trains on the snapshot it fingerprinted at its start, bit for
 * bit. Its notes then say that the data set changed since the run, and how.
 */
class ConcurrentCaptionEditTest {
    @TempDir
    static Path shared;
    /** An uninterrupted run on the untouched data set, shared by the tests (each edits its own copy). */
    static RunFolder reference;

    @TempDir
    Path root;

    @BeforeAll
    static void referenceRun() throws IOException {
        Trainer t = Trainer.start(config("ref", data(shared.resolve("data"))), shared.resolve("ws"), Optional.empty());
        assertThat(t.run()).isEqualTo(RunStatus.COMPLETED);
        reference = t.runFolder();
    }

    /** The same data set as the reference run's (same generator seed), in a folder of its own. */
    private Path data(String name) throws IOException {
        return data(root.resolve(name));
    }

    private static Path data(Path dir) throws IOException {
        DemoDatasetGenerator.generate(dir, 7, 4, 64);
        return dir;
    }

    private static TrainingConfig config(String name, Path data) {
        return TrainingConfig.minimal(name, Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", 4)
                .with("learning_rate", 1e-3).with("save_steps", 2).with("save_precision", SavePrecision.FP32)
                .with("seed", 11);
    }

    /** Rewrites the captions of the first {@code n} images the way the caption editor saves them. */
    private static void editCaptions(Path data, int n) throws IOException {
        CaptionStore store = CaptionStore.open(data, Optional.empty());
        List<Path> images;
        try (var s = Files.list(data)) {
            images = s.filter(p -> p.toString().endsWith(".png")).sorted().limit(n).toList();
        }
        for (Path image : images) {
            store.write(image, "edited while training, " + image.getFileName());
        }
    }

    @Test
    void captionsEditedDuringARunDoNotChangeItAndItsNotesSaySo() throws Exception {
        Path data = data("data");
        Trainer before = Trainer.start(config("before", data), root.resolve("ws"), Optional.empty());
        TrainerTestAccess.stopAfter(before, 1);
        assertThat(before.run()).isEqualTo(RunStatus.STOPPED); // a run on the same folder, before the edits

        Trainer edited = Trainer.start(config("edited", data), root.resolve("ws"), Optional.empty());
        List<String> logs = new ArrayList<>();
        edited.addListener(e -> {
            if (e instanceof TrainingEvent.Step s && s.step() == 1) {
                try {
                    editCaptions(data, 3);
                } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
            if (e instanceof TrainingEvent.Log l) {
                logs.add(l.message());
            }
        });
        assertThat(edited.run()).isEqualTo(RunStatus.COMPLETED);

        assertSameTraining(reference, edited.runFolder());
        assertThat(edited.runFolder().notesText()).contains("- **Dataset changed since this run:** 3 captions differ");
        assertThat(logs).contains("Dataset changed since this run: 3 captions differ");
        // an earlier run on the folder learns it when its notes are refreshed (at the end of a run, or on request)
        assertThat(before.runFolder().notesText()).doesNotContain("Dataset changed since this run");
        assertThat(RunNotes.noteDatasetDrift(before.runFolder()))
                .contains("Dataset changed since this run: 3 captions differ");
        assertThat(RunNotes.noteDatasetDrift(before.runFolder())).isPresent(); // twice: replaced, not repeated
        assertThat(before.runFolder().notesText()).contains("- **Dataset changed since this run:** 3 captions"
                + " differ").containsOnlyOnce("Dataset changed since this run");
        assertThat(RunNotes.noteDatasetDrift(reference)).isEmpty();

        java.io.StringWriter out = new java.io.StringWriter();
        int code = org.lorastudio.cli.Cli.run(new java.io.PrintWriter(out), new java.io.PrintWriter(
                new java.io.StringWriter()), "runs", "show", before.runFolder().dir().toString());
        assertThat(code).isZero();
        assertThat(out.toString()).as("runs show").contains("Dataset changed since this run: 3 captions differ");
    }

    @Test
    void aRunResumedAfterCaptionEditsTrainsOnTheCaptionsItStartedWith() throws Exception {
        Path data = data("data");
        Trainer first = Trainer.start(config("resumed", data), root.resolve("ws"), Optional.empty());
        TrainerTestAccess.stopAfter(first, 2);
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        editCaptions(data, 3);
        Trainer second = Trainer.resume(first.runFolder().dir());
        List<String> logs = new ArrayList<>();
        second.addListener(e -> {
            if (e instanceof TrainingEvent.Log l) {
                logs.add(l.message());
            }
        });
        assertThat(second.run()).isEqualTo(RunStatus.COMPLETED);

        assertThat(logs).anyMatch(l -> l.startsWith("3 caption(s) changed since this run started"));
        assertSameTraining(reference, first.runFolder());
        assertThat(first.runFolder().notesText()).contains("- **Dataset changed since this run:** 3 captions differ");
    }

    @Test
    void aRunWhoseImagesChangedIsNotResumedOnOtherData() throws Exception {
        Path data = data("data");
        Trainer first = Trainer.start(config("images", data), root.resolve("ws"), Optional.empty());
        TrainerTestAccess.stopAfter(first, 2);
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        Path image;
        try (var s = Files.list(data)) {
            image = s.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
        }
        javax.imageio.ImageIO.write(DemoDatasetGenerator.render(DemoDatasetGenerator.scenes(99, 1).get(0), 64), "png",
                image.toFile());

        Trainer second = Trainer.resume(first.runFolder().dir());
        List<TrainingEvent.Failed> failed = new ArrayList<>();
        second.addListener(e -> {
            if (e instanceof TrainingEvent.Failed f) {
                failed.add(f);
            }
        });
        assertThat(second.run()).isEqualTo(RunStatus.FAILED);
        assertThat(failed).singleElement().extracting(TrainingEvent.Failed::reason).asString()
                .contains("changed since this run started (1 image differs)", "runs fork");
    }

    @Test
    void driftIsCountedPerKind() {
        DatasetSnapshot then = new DatasetSnapshot(List.of(item("a", "x", "cat"), item("b", "y", null),
                item("c", "z", "dog")));
        DatasetSnapshot now = new DatasetSnapshot(List.of(item("a", "x", "cat, edited"), item("b", "Y", "new"),
                item("d", "w", "dog")));
        DatasetSnapshot.Drift d = then.compare(now);
        assertThat(d).isEqualTo(new DatasetSnapshot.Drift(2, 1, 1, 1));
        assertThat(d.describe()).isEqualTo("2 captions differ, 1 image differs, 1 image added, 1 image removed");
        assertThat(then.compare(then).none()).isTrue();
    }

    private static DatasetSnapshot.Item item(String name, String sha, String caption) {
        return new DatasetSnapshot.Item(name, 1, sha, caption);
    }

    /** Same losses and LoRA weights, bit for bit, and the same recorded fingerprint. */
    private static void assertSameTraining(RunFolder a, RunFolder b) throws IOException {
        assertThat(b.record().dataset()).isEqualTo(a.record().dataset());
        List<MetricPoint> ma = a.metrics();
        List<MetricPoint> mb = b.metrics();
        assertThat(mb).hasSameSizeAs(ma);
        for (int i = 0; i < ma.size(); i++) {
            assertThat(Double.doubleToRawLongBits(mb.get(i).loss())).as("loss at step %d", i + 1)
                    .isEqualTo(Double.doubleToRawLongBits(ma.get(i).loss()));
        }
        try (SafetensorsFile fa = SafetensorsFile.open(finalLora(a)); SafetensorsFile fb = SafetensorsFile.open(
                finalLora(b))) {
            assertThat(fb.tensors().keySet()).isEqualTo(fa.tensors().keySet());
            for (String k : fa.tensors().keySet()) {
                assertThat(fb.map(k)).as(k).isEqualTo(fa.map(k));
            }
        }
    }

    private static Path finalLora(RunFolder run) {
        return run.loraFiles().stream().filter(p -> !p.getFileName().toString().contains("-step")).findFirst()
                .orElseThrow();
    }
}
