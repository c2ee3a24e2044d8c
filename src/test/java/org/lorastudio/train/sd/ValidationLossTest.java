package org.lorastudio.train.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigPath;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunStatus;
import org.lorastudio.run.ValidationCurve;
import org.lorastudio.run.ValidationSet;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.ValidationSplit;
import org.lorastudio.train.tensorboard.TensorBoardEvents;
import org.tensorflow.util.Event;

/** Issue 16 on the sd-tiny-a model: held-out images, the validation loss, and each image's running loss. */
class ValidationLossTest {
    @TempDir
    static Path shared;
    static Path data;
    static Path validationDir;

    @TempDir
    Path workspace;

    @BeforeAll
    static void dataset() throws IOException {
        data = shared.resolve("data");
        DemoDatasetGenerator.generate(data, 7, 6, 64);
        validationDir = shared.resolve("val");
        DemoDatasetGenerator.generate(validationDir, 8, 2, 64);
    }

    /** SdTrainerTest's run without samples: 6 steps of batch 2, checkpoints at 3. */
    static TrainingConfig base(String name) {
        return TrainingConfig.minimal(name, Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", 6)
                .with("learning_rate", 1e-3).with("save_steps", 3)
                .with("save_precision", org.lorastudio.config.SavePrecision.FP32).with("seed", 11);
    }

    static TrainingConfig config(String name) {
        return base(name).with("validation_split", 0.34).with("validation_every_n_steps", 3);
    }

    @Test
    void heldOutImagesAreRecordedNotTrainedOnAndValLossIsLoggedAtItsSteps() throws Exception {
        Trainer trainer = Trainer.start(config("val"), workspace, Optional.empty());
        List<TrainingEvent> events = new ArrayList<>();
        trainer.addListener(events::add);
        assertThat(trainer.run()).isEqualTo(RunStatus.COMPLETED);
        Path dir = trainer.runFolder().dir();

        // which images: round(6 × 0.34) = 2, from the seed's validation stream, in the data set's order
        List<String> names = DatasetScanner.scan(data, Optional.empty()).items().stream()
                .map(DatasetItem::name).toList();
        int[] held = ValidationSplit.heldOut(6, 0.34, new SeedStreams(11));
        ValidationSet recorded = ValidationSet.read(dir).orElseThrow();
        assertThat(recorded.items()).hasSize(2).containsExactly(names.get(held[0]), names.get(held[1]));
        assertThat(recorded.source()).isEqualTo(ValidationSet.FROM_SPLIT);

        PerImageLoss.Snapshot perImage = PerImageLoss.read(dir).orElseThrow();
        assertThat(perImage.step()).isEqualTo(6);
        assertThat(perImage.images()).extracting(PerImageLoss.Entry::image)
                .containsExactlyInAnyOrderElementsOf(names.stream().filter(n -> !recorded.items().contains(n))
                        .toList());
        assertThat(perImage.images()).extracting(PerImageLoss.Entry::meanLoss)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a)).allMatch(v -> v > 0);
        // 6 steps × batch 2 over 4 training images: every image seen 3 times
        assertThat(perImage.images()).extracting(PerImageLoss.Entry::count).containsOnly(3L);

        List<MetricPoint> metrics = MetricsLog.read(trainer.runFolder().metricsFile());
        ValidationCurve curve = ValidationCurve.of(metrics);
        assertThat(curve.points()).extracting(ValidationCurve.Point::step).containsExactly(3L, 6L);
        assertThat(curve.points()).extracting(ValidationCurve.Point::loss).allMatch(v -> v > 0 && v < 10);
        assertThat(curve.points().get(0).loss()).as("the weights changed between the two")
                .isNotEqualTo(curve.points().get(1).loss());
        assertThat(events).filteredOn(e -> e instanceof TrainingEvent.ValidationLoss)
                .extracting(e -> ((TrainingEvent.ValidationLoss) e).step()).containsExactly(3, 6);

        List<Event> tb = TensorBoardEvents.readDir(dir).get(0).stream().filter(e -> e.hasSummary()
                && e.getSummary().getValue(0).getTag().equals("val_loss")).toList();
        assertThat(tb).extracting(Event::getStep).containsExactly(3L, 6L);
        assertThat(tb.get(1).getSummary().getValue(0).getSimpleValue())
                .isEqualTo((float) curve.points().get(1).loss());
    }

    @Test
    void stoppedAndResumedRunWithValidationRepeatsTheUninterruptedOne() throws Exception {
        Trainer straight = Trainer.start(config("straight"), workspace, Optional.empty());
        assertThat(straight.run()).isEqualTo(RunStatus.COMPLETED);
        Trainer first = Trainer.start(config("resumed"), workspace, Optional.empty());
        TrainerTestAccess.stopAfter(first, 4);
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        assertThat(Trainer.resume(first.runFolder().dir()).run()).isEqualTo(RunStatus.COMPLETED);

        List<MetricPoint> a = MetricsLog.read(straight.runFolder().metricsFile());
        List<MetricPoint> b = MetricsLog.read(first.runFolder().metricsFile());
        assertThat(b).extracting(MetricPoint::loss).containsExactlyElementsOf(a.stream().map(MetricPoint::loss)
                .toList());
        assertThat(ValidationCurve.of(b)).isEqualTo(ValidationCurve.of(a));
        assertThat(PerImageLoss.read(first.runFolder().dir()).orElseThrow())
                .isEqualTo(PerImageLoss.read(straight.runFolder().dir()).orElseThrow());
    }

    @Test
    @SuppressWarnings("try")
    void sameWeightsGiveTheSameValidationLossInEveryRunAndAtEveryCall() throws Exception {
        ConfigPath val = ConfigPath.of(validationDir.toString(), shared);
        TrainingConfig one = base("a").with("validation_data_dir", val);
        TrainingConfig other = one.with("seed", 12345);
        try (NDManager manager = NDManager.newBaseManager();
             SdTrainingTask a = new SdTrainingTask(one);
             SdTrainingTask b = new SdTrainingTask(other)) {
            a.prepare(manager, e -> { });
            b.prepare(manager, e -> { });
            assertThat(a.validationSet().orElseThrow().items()).hasSize(2);

            double first = a.validationLoss(manager);
            try (NDManager step = manager.newSubManager()) {
                a.loss(step, new int[] {0, 1}, 0, 3); // draws training noise from the engine in between
            }
            double again = a.validationLoss(manager);
            // at step 0 the LoRA adds nothing (up = 0): another seed has the same weights, so the same loss
            double otherRun = b.validationLoss(manager);

            assertThat(first).isPositive();
            assertThat(again).isEqualTo(first);
            assertThat(otherRun).isEqualTo(first);
        }
    }

    @Test
    void perItemLossesAverageToTheBatchLoss() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
             SdTrainingTask task = new SdTrainingTask(base("p"))) {
            task.prepare(manager, e -> { });
            try (NDManager step = manager.newSubManager()) {
                var losses = task.itemLosses(step, new int[] {2, 4}, 0, 7);
                float mean = losses.mean().getFloat();
                assertThat(losses.perItem()).hasSize(2);
                assertThat((losses.perItem()[0] + losses.perItem()[1]) / 2).isCloseTo(mean,
                        org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(losses.perItem()[0]).isNotEqualTo(losses.perItem()[1]);
            }
            assertThat(task.itemName(2)).isEqualTo(DatasetScanner.scan(data, Optional.empty()).items().get(2)
                    .name());
        }
    }

    @Test
    void theSplitIsDeterministicAndNeverEmptyOrEverything() {
        SeedStreams s = new SeedStreams(42);
        assertThat(ValidationSplit.heldOut(20, 0.25, s)).hasSize(5).isSorted()
                .containsExactly(ValidationSplit.heldOut(20, 0.25, new SeedStreams(42)));
        assertThat(ValidationSplit.heldOut(20, 0.25, new SeedStreams(43)))
                .isNotEqualTo(ValidationSplit.heldOut(20, 0.25, s));
        assertThat(ValidationSplit.heldOut(3, 0.01, s)).hasSize(1);
        assertThat(ValidationSplit.heldOut(3, 0.9, s)).hasSize(2);
        assertThat(ValidationSplit.heldOut(3, 0, s)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationSplit.heldOut(1, 0.5, s))
                .hasMessageContaining("at least 2");
    }
}
