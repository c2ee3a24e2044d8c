package org.lorastudio.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.nn.Weights;
import org.lorastudio.runtime.NoGrad;

/**
 * Times one sampler step of generation: a UNet forward without autograd on the classifier-free-guidance batch
 * (conditional and unconditional halves, so 2 × batch), in fp32 or fp16 weights and activations.
 */
public final class GenerationBench {
    private GenerationBench() {
    }

    @SuppressWarnings("try")
    public static Map<String, Object> run(UNetCase c, boolean countOps) throws IOException {
        MemoryProbe.resetPeak();
        DataType dt = c.precision() == UNetCase.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
        Map<String, Object> row = new LinkedHashMap<>();
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(); NoGrad g = NoGrad.enter()) {
            UNetConfig cfg = c.config();
            UNet2DConditionModel unet = new UNet2DConditionModel(cfg);
            unet.setAttentionQueryChunk(c.attentionChunk());
            Engine.getInstance().setRandomSeed(0);
            Weights.initialize(unet, m, p -> {
                NDArray w = m.randomNormal(0f, 0.02f, p.shape(), DataType.FLOAT32);
                if (dt == DataType.FLOAT32) {
                    return w;
                }
                NDArray half = w.toType(dt, false);
                w.close();
                return half;
            });
            long rssModel = MemoryProbe.rssMb();
            long cfgBatch = 2L * c.batch();
            Runnable step = () -> {
                try (NDManager sm = m.newSubManager()) {
                    NDArray x = sm.randomNormal(new Shape(cfgBatch, cfg.inChannels(), c.latent(), c.latent()))
                            .toType(dt, false);
                    NDArray ctx = sm.randomNormal(new Shape(cfgBatch, 77, cfg.crossAttentionDim().get(0)))
                            .toType(dt, false);
                    unet.forward(x, 500f, ctx).toType(DataType.FLOAT32, false).sum().getFloat();
                }
            };
            for (int i = 0; i < c.warmup() + c.steps(); i++) {
                long c0 = MemoryProbe.processCpuNanos();
                long t0 = System.nanoTime();
                step.run();
                if (i >= c.warmup()) {
                    wall.add((System.nanoTime() - t0) / 1e6);
                    cpu.add((MemoryProbe.processCpuNanos() - c0) / 1e6);
                }
            }
            row.put("case", "generate_step");
            TrainStepBench.describe(row, c.withCheckpointing(UNetCase.Checkpointing.NONE), unet.parameterCount(), -1);
            row.remove("rank");
            row.remove("targets");
            row.remove("checkpointing");
            row.put("cfg_batch", cfgBatch);
            Stats w = Stats.of(wall);
            row.put("step_ms", w.toJson());
            row.put("step_cpu_ms", Stats.of(cpu).toJson());
            row.put("images_per_s", Stats.round(c.batch() * 1000.0 / w.median())); // per sampler step
            long peak = MemoryProbe.peakRssMb();
            row.put("rss_after_model_mb", rssModel);
            row.put("peak_rss_mb", peak);
            row.put("step_peak_mb", peak - rssModel);
            row.put("peak_native_mb", MemoryProbe.peakNativeMb());
            if (countOps) {
                OpProfile.Counts ops = OpProfile.measure(step);
                row.put("ops_per_step", ops.topLevel());
                row.put("backward_nodes_per_step", ops.backwardNodes());
                row.put("ops_per_step_nested", ops.all());
                row.put("op_time_ms", ops.topLevelMs());
            }
        }
        row.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        return row;
    }
}
