package org.lorastudio.train.sd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunFolder;
import org.lorastudio.run.RunRecord;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.train.tensorboard.TensorBoardEvents;
import org.tensorflow.framework.Summary;
import org.tensorflow.util.Event;
import org.tensorflow.util.SessionLog;

/** End-to-end training runs on the sd-tiny-a model: run folder contents, events, and bit-identical resume. */
class SdTrainerTest {
    @TempDir
    static Path shared;
    static Path data;

    @TempDir
    Path workspace;

    @BeforeAll
    static void dataset() throws IOException {
        data = shared.resolve("data");
        DemoDatasetGenerator.generate(data, 7, 6, 64);
    }

    static TrainingConfig config(String name) {
        return TrainingConfig.minimal(name, Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", 6)
                .with("learning_rate", 1e-3).with("save_steps", 3)
                .with("save_precision", org.lorastudio.config.SavePrecision.FP32)
                .with("sample_every_n_steps", 3).with("sample_prompts", List.of("a red square"))
                .with("sample_steps", 2).with("seed", 11);
    }

    @Test
    void trainingLeavesACompleteRunFolderAndEmitsEvents() throws Exception {
        Trainer trainer = Trainer.start(config("unit"), workspace, Optional.empty());
        List<TrainingEvent> events = new ArrayList<>();
        trainer.addListener(events::add);
        assertThat(trainer.run()).isEqualTo(RunStatus.COMPLETED);

        RunFolder run = trainer.runFolder();
        RunRecord r = run.record();
        assertThat(r.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(r.stepsDone()).isEqualTo(6);
        assertThat(r.seed()).isEqualTo(11L);
        assertThat(r.baseModel().sha256()).hasSize(64);
        assertThat(r.dataset().items()).isEqualTo(6);
        assertThat(r.finalMetrics().finalLoss()).isPositive();
        List<MetricPoint> metrics = MetricsLog.read(run.metricsFile());
        assertThat(metrics).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(run.loraFiles()).extracting(p -> p.getFileName().toString())
                .contains("unit_r4_lr1e-3_steps6.safetensors", "unit_r4_lr1e-3_steps6-step3.safetensors");
        try (Stream<Path> s = Files.list(run.samplesDir())) {
            assertThat(s.map(p -> p.getFileName().toString())).contains("step3-p0.png", "step6-p0.png", "prompts.json");
        }
        try (Stream<Path> s = Files.list(run.dir())) {
            assertThat(s.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("events.out.tfevents."));
        }
        try (SafetensorsFile f = SafetensorsFile.open(run.dir().resolve("unit_r4_lr1e-3_steps6.safetensors"))) {
            assertThat(f.metadata()).containsEntry("ss_network_dim", "4").containsEntry("ss_steps", "6")
                    .containsEntry("lorastudio_run_id", run.id().toString()).containsKey("ss_tag_frequency")
                    .containsKey("sshs_model_hash");
            assertThat(f.tensors().keySet()).allMatch(k -> k.startsWith("lora_unet_"));
            assertThat(f.tensors()).hasSize(6 * 2 * 4 * 3); // 6 transformers × attn1/attn2 × q,k,v,out × 3 tensors
        }
        assertThat(run.notesText()).contains("## Results");
        assertThat(events).first().isInstanceOf(TrainingEvent.Log.class);
        assertThat(events).filteredOn(e -> e instanceof TrainingEvent.Step).hasSize(6);
        assertThat(events).filteredOn(e -> e instanceof TrainingEvent.SampleReady).hasSize(2);
        assertThat(events).last().isInstanceOf(TrainingEvent.Finished.class);
    }

    @Test
    void stoppedAndResumedRunIsBitIdenticalToAnUninterruptedOne() throws Exception {
        Trainer straight = Trainer.start(config("straight"), workspace, Optional.empty());
        assertThat(straight.run()).isEqualTo(RunStatus.COMPLETED);

        Trainer first = Trainer.start(config("resumed"), workspace, Optional.empty());
        TrainerTestAccess.stopAfter(first, 4);
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        assertThat(first.runFolder().record().status()).isEqualTo(RunStatus.STOPPED);
        Trainer second = Trainer.resume(first.runFolder().dir());
        assertThat(second.run()).isEqualTo(RunStatus.COMPLETED);

        List<MetricPoint> a = MetricsLog.read(straight.runFolder().metricsFile());
        List<MetricPoint> b = MetricsLog.read(first.runFolder().metricsFile());
        assertThat(b).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(b).extracting(MetricPoint::loss).containsExactlyElementsOf(a.stream().map(MetricPoint::loss)
                .toList());
        assertThat(b).extracting(MetricPoint::lr).containsExactlyElementsOf(a.stream().map(MetricPoint::lr)
                .toList());
        try (SafetensorsFile fa = SafetensorsFile.open(straight.runFolder().loraFiles().stream()
                .filter(p -> !p.getFileName().toString().contains("-step")).findFirst().orElseThrow());
             SafetensorsFile fb = SafetensorsFile.open(first.runFolder().loraFiles().stream()
                     .filter(p -> !p.getFileName().toString().contains("-step")).findFirst().orElseThrow())) {
            assertThat(fb.metadata().get("sshs_model_hash")).isEqualTo(fa.metadata().get("sshs_model_hash"));
            for (String k : fa.tensors().keySet()) {
                assertThat(fb.readFloats(k)).as(k).containsExactly(fa.readFloats(k));
            }
        }
        // TensorBoard: one file per session, each opening with a START at its first step; samples as images
        List<List<Event>> tb = TensorBoardEvents.readDir(first.runFolder().dir());
        assertThat(tb).hasSize(2);
        assertThat(tb).extracting(f -> f.get(1).getSessionLog().getStatus())
                .containsOnly(SessionLog.SessionStatus.START);
        assertThat(tb).extracting(f -> f.get(1).getStep()).containsExactly(1L, 5L);
        for (int session = 0; session < 2; session++) {
            List<Event> images = tb.get(session).stream().filter(e -> e.hasSummary()
                    && e.getSummary().getValue(0).hasImage()).toList();
            assertThat(images).extracting(Event::getStep).containsExactly(session == 0 ? 3L : 6L);
            assertThat(images.get(0).getSummary().getValue(0).getTag()).isEqualTo("samples/0");
            Summary.Image image = images.get(0).getSummary().getValue(0).getImage();
            assertThat(List.of(image.getWidth(), image.getHeight())).containsExactly(64, 64);
            assertThat(ImageIO.read(image.getEncodedImageString().newInput())).isNotNull();
        }
    }
}
