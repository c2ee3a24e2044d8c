package org.lorastudio.train.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoScenes;
import org.lorastudio.model.sd.StableDiffusion;
import org.lorastudio.nn.Parameter;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.RunStatus;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.train.Checkpoint;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.Trainer;
import org.lorastudio.train.TrainingTask;

/**
 * Both pretraining phases on a very small budget (16 scenes, a few steps) through the real {@link Trainer}, and
 * the saved model folder against our loader.
 */
class PretrainingTest {
    @TempDir
    static Path work;

    @BeforeAll
    static void data() throws IOException {
        DemoScenes.write(work.resolve("data"), DemoScenes.scenes(7, 16, 64, 0.25), 64);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            DemoBaseModel.writeRandom(work.resolve("init"), 7, m);
        }
    }

    private static Path train(String name, int steps, int batch, double lr,
                              Function<TrainingConfig, TrainingTask> task) throws IOException {
        Path yaml = work.resolve(name + ".yaml");
        Files.writeString(yaml, DemoPretraining.yaml(name, "init", 7, steps, batch, lr, 0.1, 0));
        Trainer trainer = Trainer.start(TrainingConfig.fromYaml(yaml), work, Optional.empty());
        assertThat(trainer.run(task)).isEqualTo(RunStatus.COMPLETED);
        return trainer.runFolder().dir();
    }

    private static double mean(List<MetricPoint> points, int from, int to) {
        return points.subList(from, to).stream().mapToDouble(MetricPoint::loss).average().orElseThrow();
    }

    @Test
    void vaePhaseLowersTheReconstructionLoss() throws IOException {
        Path run = train("vae", 12, 4, 2e-3, VaePretrainingTask::new);
        List<MetricPoint> points = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(points).hasSize(12);
        assertThat(mean(points, 9, 12)).isLessThan(0.8 * mean(points, 0, 3));
    }

    @Test
    void unetPhaseLowersTheNoisePredictionLoss() throws IOException {
        Path run = train("unet", 12, 8, 2e-3, UnetPretrainingTask::new);
        List<MetricPoint> points = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertThat(points).hasSize(12);
        assertThat(mean(points, 9, 12)).isLessThan(0.9 * mean(points, 0, 3));
    }

    @Test
    @SuppressWarnings("try")
    void savedModelLoadsWithTheTrainedWeightsAndScalingFactor() throws IOException {
        Path run = train("saved", 2, 4, 1e-3, VaePretrainingTask::new);
        Path model = run.resolve(TrainingConfig.fromYaml(work.resolve("saved.yaml")).semanticName());
        Path checkpoint = Checkpoint.latest(run.resolve("checkpoints")).orElseThrow();
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu());
             SafetensorsFile ckpt = SafetensorsFile.open(checkpoint.resolve("lora.safetensors"));
             NoGrad g = NoGrad.enter()) {
            StableDiffusion sd = StableDiffusion.load(model, Optional.empty(), m, DataType.FLOAT32);
            StableDiffusion init = StableDiffusion.load(work.resolve("init"), Optional.empty(), m, DataType.FLOAT32);
            Map<String, Parameter> vae = sd.vae().namedParameters();
            assertThat(ckpt.tensors().keySet()).hasSize(vae.size());
            for (Map.Entry<String, Parameter> e : vae.entrySet()) {
                assertThat(e.getValue().array().toFloatArray()).as(e.getKey())
                        .containsExactly(ckpt.readFloats("vae." + e.getKey()));
            }
            // The VAE trained, the rest is the base model's, and the scale was measured (not SD's 0.18215).
            assertThat(vae.get("decoder.conv_out.weight").array().toFloatArray())
                    .isNotEqualTo(init.vae().namedParameters().get("decoder.conv_out.weight").array().toFloatArray());
            assertThat(sd.unet().namedParameters().get("conv_in.weight").array().toFloatArray())
                    .containsExactly(init.unet().namedParameters().get("conv_in.weight").array().toFloatArray());
            assertThat(sd.vae().scalingFactor()).isPositive().isNotEqualTo(0.18215f);
        }
    }

    @Test
    @SuppressWarnings("try")
    void writtenWeightsRoundTripThroughTheLoader() throws IOException {
        Path copy = work.resolve("copy");
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu()); NoGrad g = NoGrad.enter()) {
            StableDiffusion a = StableDiffusion.load(work.resolve("init"), Optional.empty(), m, DataType.FLOAT32);
            DemoBaseModel.copy(work.resolve("init"), copy);
            DemoBaseModel.writeWeights(a.unet(), copy.resolve(DemoBaseModel.UNET_WEIGHTS));
            DemoBaseModel.writeWeights(a.vae(), copy.resolve(DemoBaseModel.VAE_WEIGHTS));
            DemoBaseModel.writeWeights(a.textEncoder(), copy.resolve(DemoBaseModel.TEXT_ENCODER_WEIGHTS));
            StableDiffusion b = StableDiffusion.load(copy, Optional.empty(), m, DataType.FLOAT32);
            assertThat(b.reports()).allSatisfy(r -> {
                assertThat(r.missing()).isEmpty();
                assertThat(r.unexpected()).isEmpty();
                assertThat(r.mismatched()).isEmpty();
            });
            NDArray latents = m.randomNormal(0, 1, new Shape(1, 4, 8, 8), DataType.FLOAT32);
            NDArray t = m.create(new long[] {500});
            NDArray ctxA = a.encodePrompt(m, "a red square on a blue background", 1);
            NDArray ctxB = b.encodePrompt(m, "a red square on a blue background", 1);
            assertThat(ctxB.toFloatArray()).containsExactly(ctxA.toFloatArray());
            assertThat(b.unet().forward(latents, t, ctxB).toFloatArray())
                    .containsExactly(a.unet().forward(latents, t, ctxA).toFloatArray());
            assertThat(b.vae().decode(latents).toFloatArray()).containsExactly(a.vae().decode(latents).toFloatArray());
        }
    }

    @Test
    @SuppressWarnings("try")
    void theShippedHalfPrecisionUnetLoadsAndPredictsLikeTheFloatOne() throws IOException {
        Path half = work.resolve("half");
        DemoBaseModel.copy(work.resolve("init"), half);
        DemoBaseModel.toHalf(half.resolve(DemoBaseModel.UNET_WEIGHTS));
        try (org.lorastudio.safetensors.SafetensorsFile f = org.lorastudio.safetensors.SafetensorsFile.open(
                half.resolve(DemoBaseModel.UNET_WEIGHTS))) {
            assertThat(f.tensors().values()).allSatisfy(i -> assertThat(i.dtype())
                    .isEqualTo(org.lorastudio.safetensors.DType.F16));
        }
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu()); NoGrad g = NoGrad.enter()) {
            StableDiffusion a = StableDiffusion.load(work.resolve("init"), Optional.empty(), m, DataType.FLOAT32);
            StableDiffusion b = StableDiffusion.load(half, Optional.empty(), m, DataType.FLOAT32);
            assertThat(b.reports()).allSatisfy(r -> assertThat(r.missing()).isEmpty());
            NDArray latents = m.randomNormal(0, 1, new Shape(1, 4, 8, 8), DataType.FLOAT32);
            NDArray t = m.create(new long[] {500});
            NDArray ctx = a.encodePrompt(m, "a red square on a blue background", 1);
            float[] x = a.unet().forward(latents, t, ctx).toFloatArray();
            float[] y = b.unet().forward(latents, t, ctx).toFloatArray();
            double num = 0;
            double den = 0;
            for (int i = 0; i < x.length; i++) {
                num += (x[i] - y[i]) * (double) (x[i] - y[i]);
                den += x[i] * (double) x[i];
            }
            assertThat(Math.sqrt(num / den)).as("relative L2 of fp16-stored weights").isLessThan(5e-3).isPositive();
        }
    }
}
