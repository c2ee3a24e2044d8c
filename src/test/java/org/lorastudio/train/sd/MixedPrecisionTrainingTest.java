package org.lorastudio.train.sd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ai.djl.Device;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.MixedPrecision;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.nn.kernels.Kernels;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainerTestAccess;
import org.lorastudio.train.TrainingEvent;
import org.lorastudio.util.UserException;

/**
 * fp16 mixed precision end to end on sd-tiny-a (issue 15): the loss curve follows fp32's, overflowing steps are
 * skipped and logged, a stopped and resumed fp16 run is bit-identical to an uninterrupted one, and bf16 (or fp16
 * without the cast kernel) is refused in one line.
 */
class MixedPrecisionTrainingTest {
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

    @AfterEach
    void kernelsBackOn() {
        Kernels.setEnabled(true);
    }

    static TrainingConfig config(String name, MixedPrecision precision, int steps) {
        return TrainingConfig.minimal(name, Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("batch_size", 2).with("max_train_steps", steps)
                .with("learning_rate", 1e-3).with("save_steps", 0).with("seed", 11)
                .with("save_precision", org.lorastudio.config.SavePrecision.FP32)
                .with("mixed_precision", precision);
    }

    private record Run(Trainer trainer, List<TrainingEvent> events, List<MetricPoint> metrics) {
    }

    private Run train(TrainingConfig c) throws IOException {
        Trainer t = Trainer.start(c, workspace, Optional.empty());
        List<TrainingEvent> events = new ArrayList<>();
        t.addListener(events::add);
        RunStatus status = t.run();
        assertThat(status).as("%s", events.stream().filter(e -> e instanceof TrainingEvent.Failed).toList())
                .isEqualTo(RunStatus.COMPLETED);
        return new Run(t, events, MetricsLog.read(t.runFolder().metricsFile()));
    }

    private static Path finalLora(Trainer t) {
        return t.runFolder().loraFiles().stream().filter(p -> !p.getFileName().toString().contains("-step"))
                .findFirst().orElseThrow();
    }

    @Test
    void fp16LossCurveAndLoraFollowFp32() throws Exception {
        int steps = 12;
        // with a validation loss and samples, which run the fp16 model (and the fp32 LoRA) without autograd
        java.util.function.Function<TrainingConfig, TrainingConfig> extras = c -> c.with("validation_split", 0.34)
                .with("validation_every_n_steps", 6).with("sample_every_n_steps", 12)
                .with("sample_prompts", List.of("a red square")).with("sample_steps", 2);
        Run fp32 = train(extras.apply(config("fp32", MixedPrecision.NO, steps)));
        Run fp16 = train(extras.apply(config("fp16", MixedPrecision.FP16, steps)));
        for (int step : new int[] {6, 12}) {
            double a = (Double) fp32.metrics().get(step - 1).extra().get(org.lorastudio.run.ValidationCurve.KEY);
            double b = (Double) fp16.metrics().get(step - 1).extra().get(org.lorastudio.run.ValidationCurve.KEY);
            System.out.printf("[fp16] validation loss at step %d: fp32 %.6f fp16 %.6f%n", step, a, b);
            assertThat(b).isCloseTo(a, org.assertj.core.data.Percentage.withPercentage(1));
        }
        assertThat(fp16.trainer().runFolder().samplesDir().resolve("step12-p0.png")).isNotEmptyFile();
        double sumAbs = 0;
        double sumLoss = 0;
        for (int i = 0; i < steps; i++) {
            MetricPoint a = fp32.metrics().get(i);
            MetricPoint b = fp16.metrics().get(i);
            assertThat(b.extra()).containsEntry("loss_scale", 65536.0);
            assertThat(a.extra()).doesNotContainKey("loss_scale");
            sumAbs += Math.abs(a.loss() - b.loss());
            sumLoss += a.loss();
        }
        double curve = sumAbs / sumLoss;
        // the LoRA learned the same thing: lora_up starts at zero, so its distance to fp32's is against what moved
        double num = 0;
        double den = 0;
        try (SafetensorsFile a = SafetensorsFile.open(finalLora(fp32.trainer()));
             SafetensorsFile b = SafetensorsFile.open(finalLora(fp16.trainer()))) {
            assertThat(b.tensors().keySet()).isEqualTo(a.tensors().keySet());
            for (String k : a.tensors().keySet()) {
                assertThat(b.tensors().get(k).dtype()).isEqualTo(a.tensors().get(k).dtype());
                if (!k.endsWith("lora_up.weight")) {
                    continue;
                }
                float[] x = a.readFloats(k);
                float[] y = b.readFloats(k);
                for (int i = 0; i < x.length; i++) {
                    num += (double) (x[i] - y[i]) * (x[i] - y[i]);
                    den += (double) x[i] * x[i];
                }
            }
        }
        double lora = Math.sqrt(num / den);
        System.out.printf("[fp16] %d steps on sd-tiny-a: mean |loss fp16 - fp32| / mean loss %.2e, lora_up relative"
                + " L2 fp16 vs fp32 %.2e%n", steps, curve, lora);
        assertThat(den).isPositive();
        assertThat(curve).isLessThan(1e-2);
        assertThat(lora).isLessThan(5e-2);
        assertThat(fp16.events()).anyMatch(e -> e instanceof TrainingEvent.Log l
                && l.message().startsWith("Mixed precision fp16"));
        assertThat(fp16.trainer().runFolder().record().precision()).startsWith("fp16 mixed");
    }

    /** The text encoder's LoRA trains under fp16 too: its context crosses to the fp32 loss with the graph kept. */
    @Test
    void textEncoderLoraTrainsInFp16LikeInFp32() throws Exception {
        int steps = 4;
        Run[] runs = new Run[2];
        MixedPrecision[] kinds = {MixedPrecision.NO, MixedPrecision.FP16};
        for (int i = 0; i < 2; i++) {
            runs[i] = train(config("te-" + kinds[i].yamlName(), kinds[i], steps)
                    .with("text_encoder_target_modules", List.of("q_proj", "v_proj")));
        }
        double num = 0;
        double den = 0;
        try (SafetensorsFile a = SafetensorsFile.open(finalLora(runs[0].trainer()));
             SafetensorsFile b = SafetensorsFile.open(finalLora(runs[1].trainer()))) {
            List<String> te = a.tensors().keySet().stream().filter(k -> k.startsWith("lora_te_")
                    && k.endsWith("lora_up.weight")).toList();
            assertThat(te).isNotEmpty();
            for (String k : te) {
                float[] x = a.readFloats(k);
                float[] y = b.readFloats(k);
                for (int i = 0; i < x.length; i++) {
                    num += (double) (x[i] - y[i]) * (x[i] - y[i]);
                    den += (double) x[i] * x[i];
                }
            }
        }
        double rel = Math.sqrt(num / den);
        System.out.printf("[fp16] text-encoder lora_up after %d steps, fp16 vs fp32 relative L2 %.2e%n", steps, rel);
        assertThat(den).isPositive(); // fp32 moved them away from zero
        assertThat(rel).isLessThan(5e-2);
        for (int i = 0; i < steps; i++) {
            assertThat(runs[1].metrics().get(i).loss()).isCloseTo(runs[0].metrics().get(i).loss(),
                    org.assertj.core.data.Percentage.withPercentage(1));
        }
    }

    /** A scale far too large: the first steps overflow in fp16, are skipped and logged, the scale halves. */
    @Test
    void overflowingStepsAreSkippedLoggedAndTheScaleHalves() throws Exception {
        Trainer t = Trainer.start(config("overflow", MixedPrecision.FP16, 8), workspace, Optional.empty());
        TrainerTestAccess.startLossScale(t, Math.pow(2, 24));
        List<TrainingEvent> events = new ArrayList<>();
        t.addListener(events::add);
        assertThat(t.run()).isEqualTo(RunStatus.COMPLETED);
        List<MetricPoint> metrics = MetricsLog.read(t.runFolder().metricsFile());
        List<String> skips = events.stream().filter(e -> e instanceof TrainingEvent.Log l
                && l.message().contains("fp16 gradients overflowed")).map(e -> ((TrainingEvent.Log) e).message())
                .toList();
        skips.forEach(l -> System.out.println("[fp16] " + l));
        assertThat(skips).isNotEmpty();
        assertThat(skips.get(0)).startsWith("Step 1: fp16 gradients overflowed").contains("16777216 -> 8388608");
        int skipped = skips.size();
        assertThat(skipped).isLessThan(8); // some steps were applied
        double expected = Math.pow(2, 24);
        List<String> skippedSteps = new ArrayList<>();
        for (MetricPoint p : metrics) {
            assertThat((Double) p.extra().get("loss_scale")).as("step %d", p.step()).isEqualTo(expected);
            if (!Double.isFinite(Double.parseDouble(String.valueOf(p.extra().get("grad_norm"))))) { // "NaN" in JSON
                expected /= 2; // each overflow halves the scale of the next step
                skippedSteps.add("Step " + p.step() + ":");
            }
        }
        assertThat(skips).hasSameSizeAs(skippedSteps);
        for (int i = 0; i < skips.size(); i++) {
            assertThat(skips.get(i)).startsWith(skippedSteps.get(i));
        }
        String summary = "fp16: " + skipped + " of 8 steps skipped for overflowing gradients; final loss scale "
                + (long) expected;
        assertThat(events).anyMatch(e -> e instanceof TrainingEvent.Log l && l.message().equals(summary));
        try (SafetensorsFile f = SafetensorsFile.open(finalLora(t))) {
            for (String k : f.tensors().keySet()) {
                for (float v : f.readFloats(k)) {
                    assertThat(Float.isFinite(v)).as(k).isTrue();
                }
            }
        }
    }

    /** Stopped after step 4 and resumed (skips included): the same losses, scales and LoRA bits as one run. */
    @Test
    void stoppedAndResumedFp16RunIsBitIdentical() throws Exception {
        Trainer straight = Trainer.start(config("straight", MixedPrecision.FP16, 8), workspace, Optional.empty());
        TrainerTestAccess.startLossScale(straight, Math.pow(2, 24));
        assertThat(straight.run()).isEqualTo(RunStatus.COMPLETED);
        Trainer first = Trainer.start(config("resumed", MixedPrecision.FP16, 8), workspace, Optional.empty());
        TrainerTestAccess.startLossScale(first, Math.pow(2, 24));
        TrainerTestAccess.stopAfter(first, 2); // inside the skipped steps: the resumed run goes on halving
        assertThat(first.run()).isEqualTo(RunStatus.STOPPED);
        assertThat(Trainer.resume(first.runFolder().dir()).run()).isEqualTo(RunStatus.COMPLETED);
        List<MetricPoint> a = MetricsLog.read(straight.runFolder().metricsFile());
        List<MetricPoint> b = MetricsLog.read(first.runFolder().metricsFile());
        assertThat(b).extracting(MetricPoint::loss).containsExactlyElementsOf(a.stream().map(MetricPoint::loss)
                .toList());
        assertThat(b).extracting(p -> p.extra().get("loss_scale")).containsExactlyElementsOf(a.stream()
                .map(p -> p.extra().get("loss_scale")).toList());
        try (SafetensorsFile fa = SafetensorsFile.open(finalLora(straight));
             SafetensorsFile fb = SafetensorsFile.open(finalLora(first))) {
            for (String k : fa.tensors().keySet()) {
                assertThat(fb.readFloats(k)).as(k).containsExactly(fa.readFloats(k));
            }
        }
    }

    @Test
    void bf16AndFp16WithoutTheCastKernelAreRefusedInOneLine() {
        assertThatThrownBy(() -> SdTrainingTask.halfCompute(MixedPrecision.BF16, Device.cpu()))
                .isInstanceOf(UserException.class).hasMessage("mixed_precision: bf16 is not available: DJL 0.36's"
                        + " PyTorch engine aborts the JVM on bfloat16 tensors (its cast to bfloat16, softmax,"
                        + " zeros_like, backward); use fp16 or no");
        assertThat(SdTrainingTask.halfCompute(MixedPrecision.FP16, Device.cpu()))
                .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT16);
        Kernels.setEnabled(false);
        assertThatThrownBy(() -> SdTrainingTask.halfCompute(MixedPrecision.FP16, Device.cpu()))
                .isInstanceOf(UserException.class).hasMessage("mixed_precision: fp16 needs the TorchScript cast"
                        + " kernel, which is off (LORASTUDIO_KERNELS=off): DJL's own casts cut the gradients; use"
                        + " mixed_precision: no");
        assertThat(SdTrainingTask.halfCompute(MixedPrecision.NO, Device.cpu()))
                .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
    }

    @Test
    void aBf16RunFailsWithThatLineBeforeTraining() throws Exception {
        Trainer t = Trainer.start(config("bf16", MixedPrecision.BF16, 2), workspace, Optional.empty());
        List<TrainingEvent> events = new ArrayList<>();
        t.addListener(events::add);
        assertThat(t.run()).isEqualTo(RunStatus.FAILED);
        assertThat(events).filteredOn(e -> e instanceof TrainingEvent.Failed).singleElement()
                .extracting(e -> ((TrainingEvent.Failed) e).reason()).asString()
                .startsWith("mixed_precision: bf16 is not available");
        assertThat(Files.exists(t.runFolder().metricsFile())).isFalse();
    }
}
