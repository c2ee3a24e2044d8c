package org.lorastudio.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.unet.CheckpointedForward;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.nn.Functional;
import org.lorastudio.nn.Weights;
import org.lorastudio.train.AdamW;
import org.lorastudio.train.Losses;
import org.lorastudio.util.UserException;

/**
 * Times LoRA training steps of a UNet with random weights, the way {@code Trainer} runs them: a sub-manager and a
 * gradient collector per step, MSE against noise, backward (through the checkpointed segments when asked), then an
 * AdamW update. Warm-up steps are not timed; one extra step runs under libtorch's profiler to count native ops.
 */
public final class TrainStepBench {
    /** A model with LoRA and optimizer, ready to step; closes its manager. */
    static final class Rig implements AutoCloseable {
        final NDManager manager;
        final UNet2DConditionModel unet;
        final LoraNetwork net;
        final AdamW adam = new AdamW(AdamW.DEFAULTS);
        final UNetCase c;
        final int ctxDim;
        final DataType dt;
        final long rssAfterModelMb;

        Rig(UNetCase c) throws IOException {
            this.c = c;
            this.dt = c.precision() == UNetCase.Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
            if (dt == DataType.FLOAT16 && !org.lorastudio.nn.kernels.Kernels.active(
                    org.lorastudio.nn.kernels.Kernels.Kernel.CAST, ai.djl.Device.cpu())) {
                throw new UserException("bench: fp16 training needs the TorchScript cast kernel (DJL's casts cut the"
                        + " gradients); it is off here, see `lorastudio doctor`");
            }
            UNetConfig cfg = c.config();
            this.manager = NDManager.newBaseManager();
            this.unet = new UNet2DConditionModel(cfg);
            unet.setAttentionQueryChunk(c.attentionChunk());
            Engine.getInstance().setRandomSeed(0);
            Weights.initialize(unet, manager, p -> { // fp16: half base weights, the LoRA stays fp32 (mixed precision)
                NDArray w = manager.randomNormal(0f, 0.02f, p.shape(), DataType.FLOAT32);
                NDArray typed = w.toType(dt, false);
                if (typed != w) {
                    w.close();
                }
                return typed;
            });
            this.net = LoraNetwork.create(LoraTargets.resolve(unet, LoraTargets.UNET, c.targets()), c.rank(),
                    c.rank(), manager, new Random(1));
            net.setTrainable(true);
            net.attach();
            this.ctxDim = cfg.crossAttentionDim().get(0);
            this.rssAfterModelMb = MemoryProbe.rssMb();
        }

        /**
         * One optimizer step on fresh random latents, noise and context. fp16 runs the UNet in half precision with
         * the loss in fp32, as the trainer does (the loss scale, a multiply and a divide, is left out).
         */
        void step() {
            UNetConfig cfg = unet.config();
            try (NDManager sm = manager.newSubManager();
                 GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray noise = sm.randomNormal(new Shape(c.batch(), cfg.inChannels(), c.latent(), c.latent()));
                NDArray x = sm.randomNormal(noise.getShape()).toType(dt, false);
                NDArray t = sm.create(filled(c.batch(), 500L));
                NDArray ctx = sm.randomNormal(new Shape(c.batch(), 77, ctxDim)).toType(dt, false);
                switch (c.checkpointing()) {
                    case NONE -> gc.backward(Losses.mse(Functional.cast(unet.forward(x, t, ctx), DataType.FLOAT32),
                            noise));
                    case BLOCKS, LAYERS -> {
                        CheckpointedForward cf = unet.forwardCheckpointed(x, t, ctx, false,
                                c.checkpointing() == UNetCase.Checkpointing.LAYERS);
                        gc.backward(Losses.mse(Functional.cast(cf.output(), DataType.FLOAT32), noise));
                        cf.backward();
                    }
                }
            }
            adam.step(net.namedArrays(), 1e-4);
        }

        @Override
        public void close() {
            adam.close();
            net.detach();
            manager.close();
        }
    }

    private TrainStepBench() {
    }

    /** Runs the case and returns its JSON row. */
    public static Map<String, Object> run(UNetCase c, boolean countOps) throws IOException {
        MemoryProbe.resetPeak();
        long rssStart = MemoryProbe.rssMb();
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        Map<String, Object> row = new LinkedHashMap<>();
        try (Rig rig = new Rig(c)) {
            for (int i = 0; i < c.warmup() + c.steps(); i++) {
                long c0 = MemoryProbe.processCpuNanos();
                long t0 = System.nanoTime();
                rig.step();
                if (i >= c.warmup()) {
                    wall.add((System.nanoTime() - t0) / 1e6);
                    cpu.add((MemoryProbe.processCpuNanos() - c0) / 1e6);
                }
            }
            long peak = MemoryProbe.peakRssMb();
            long peakNative = MemoryProbe.peakNativeMb();
            MemoryProbe.LiveTensors live = MemoryProbe.liveTensors(rig.manager);
            row.put("case", "train_step");
            describe(row, c, rig.unet.parameterCount(), rig.net.parameterCount());
            Stats w = Stats.of(wall);
            row.put("step_ms", w.toJson());
            row.put("step_cpu_ms", Stats.of(cpu).toJson());
            row.put("items_per_s", Stats.round(c.batch() * 1000.0 / w.median()));
            row.put("rss_start_mb", rssStart);
            row.put("rss_after_model_mb", rig.rssAfterModelMb);
            row.put("peak_rss_mb", peak);
            row.put("step_peak_mb", peak - rig.rssAfterModelMb);
            row.put("peak_native_mb", peakNative);
            row.put("native_mb", MemoryProbe.nativeMb());
            MemoryEstimate est = MemoryEstimate.forUNet(rig.unet.config(), 0, c.batch(), c.latent(), c.targets(),
                    c.rank(), 4, c.checkpointing(), 2);
            row.put("estimate_step_mb", est.stepBytes() >> 20);
            row.put("estimate_total_mb", est.totalBytes() >> 20);
            row.put("live_tensors", live.count());
            row.put("live_tensor_mb", Stats.round(live.mb()));
            if (countOps) {
                OpProfile.Counts ops = OpProfile.measure(rig::step);
                row.put("ops_per_step", ops.topLevel());
                row.put("backward_nodes_per_step", ops.backwardNodes());
                row.put("ops_per_step_nested", ops.all());
                row.put("op_time_ms", ops.topLevelMs());
                row.put("top_ops", ops.top());
                row.put("backward_time_ms", ops.backwardMs());
                row.put("slowest_ops_ms", ops.slowest());
            }
        }
        row.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        return row;
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static void describe(Map<String, Object> row, UNetCase c, long params, long loraParams) {
        row.put("unet", c.unet());
        row.put("params", params);
        if (loraParams >= 0) {
            row.put("lora_params", loraParams);
        }
        row.put("batch", c.batch());
        row.put("latent", c.latent());
        row.put("rank", c.rank());
        row.put("targets", String.join(",", c.targets()));
        row.put("precision", c.precision().name().toLowerCase(java.util.Locale.ROOT));
        row.put("checkpointing", c.checkpointing().name().toLowerCase(java.util.Locale.ROOT));
        row.put("attention_chunk", c.attentionChunk());
    }
}
