package org.lorastudio.train.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunStatus;
import org.lorastudio.run.ValidationCurve;
import org.lorastudio.run.ValidationSet;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.ValidationSplit;
import org.lorastudio.train.tensorboard.TensorBoardEvents;
import org.tensorflow.util.Event;

/**
 * Issue 16 for language models: held-out examples, their token-weighted validation loss at fixed steps (in
 * metrics.jsonl and TensorBoard), and each training example's running loss — on the generated tiny LLaMA.
 */
class LlmValidationLossTest {
    @TempDir
    static Path shared;
    static Path model;
    static Path data;

    @TempDir
    Path workspace;

    @BeforeAll
    static void demo() throws Exception {
        model = shared.resolve("model");
        data = shared.resolve("data.json");
        DemoLlmGenerator.generate(model, data, 7);
    }

    private static TrainingConfig config(String name) {
        return LlmTrainerTest.config(name, model, data)
                .with("validation_split", 0.25).with("validation_every_n_steps", 3);
    }

    private static int examples() throws Exception {
        return org.lorastudio.llm.LlmDataReader.read(data).requireValid().size();
    }

    @Test
    void heldOutExamplesGiveAValidationLossAndTrainingExamplesTheirOwnLoss() throws Exception {
        Trainer trainer = Trainer.start(config("llm-val"), workspace, Optional.empty());
        List<TrainingEvent> events = new ArrayList<>();
        StringBuilder failure = new StringBuilder();
        trainer.addListener(e -> {
            events.add(e);
            if (e instanceof TrainingEvent.Failed f) {
                failure.append(f.reason());
            }
        });
        assertThat(trainer.run()).as(failure::toString).isEqualTo(RunStatus.COMPLETED);
        Path dir = trainer.runFolder().dir();

        int n = examples();
        int[] held = ValidationSplit.heldOut(n, 0.25, new SeedStreams(5));
        assertThat(held.length).isEqualTo(Math.round(n * 0.25f));
        ValidationSet recorded = ValidationSet.read(dir).orElseThrow();
        assertThat(recorded.source()).isEqualTo(ValidationSet.FROM_SPLIT);
        assertThat(recorded.items()).containsExactlyElementsOf(
                IntStream.of(held).mapToObj(i -> "example " + (i + 1)).toList());

        List<MetricPoint> metrics = MetricsLog.read(trainer.runFolder().metricsFile());
        ValidationCurve curve = ValidationCurve.of(metrics);
        assertThat(curve.points()).extracting(ValidationCurve.Point::step).containsExactly(3L, 6L);
        // cross-entropy per token over a ~1,000-token vocabulary: positive, below ln(vocab) + a margin
        assertThat(curve.points()).extracting(ValidationCurve.Point::loss).allMatch(v -> v > 0 && v < 12);
        assertThat(curve.points().get(1).loss()).as("the adapter changed between the two")
                .isNotEqualTo(curve.points().get(0).loss());
        assertThat(events).filteredOn(e -> e instanceof TrainingEvent.ValidationLoss)
                .extracting(e -> ((TrainingEvent.ValidationLoss) e).step()).containsExactly(3, 6);

        List<Event> tb = TensorBoardEvents.readDir(dir).get(0).stream().filter(e -> e.hasSummary()
                && e.getSummary().getValue(0).getTag().equals(ValidationCurve.KEY)).toList();
        assertThat(tb).extracting(Event::getStep).containsExactly(3L, 6L);
        assertThat(tb.get(0).getSummary().getValue(0).getSimpleValue())
                .isEqualTo((float) curve.points().get(0).loss());

        // per-example loss: every example trained on, none of the held-out ones, highest first
        PerImageLoss.Snapshot perExample = PerImageLoss.read(dir).orElseThrow();
        assertThat(perExample.step()).isEqualTo(6);
        assertThat(perExample.images()).extracting(PerImageLoss.Entry::image)
                .doesNotContainAnyElementsOf(recorded.items()).allMatch(s -> s.startsWith("example "));
        assertThat(perExample.images()).extracting(PerImageLoss.Entry::meanLoss)
                .isSortedAccordingTo((a, b) -> Double.compare(b, a)).allMatch(v -> v > 0);
        assertThat(perExample.images().stream().mapToLong(PerImageLoss.Entry::count).sum())
                .as("6 steps × batch 4").isEqualTo(24);
    }

    @Test
    void theSameWeightsGiveTheSameValidationLossInTwoRuns() throws Exception {
        Trainer a = Trainer.start(config("llm-val-a"), workspace, Optional.empty());
        Trainer b = Trainer.start(config("llm-val-b"), workspace, Optional.empty());
        assertThat(a.run()).isEqualTo(RunStatus.COMPLETED);
        assertThat(b.run()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ValidationCurve.of(MetricsLog.read(b.runFolder().metricsFile())))
                .isEqualTo(ValidationCurve.of(MetricsLog.read(a.runFolder().metricsFile())));
    }
}
