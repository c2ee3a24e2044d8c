package org.lorastudio.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.lora.LoraTargets;
import org.lorastudio.model.unet.CheckpointedForward;
import org.lorastudio.model.unet.UNet2DConditionModel;
import org.lorastudio.model.unet.UNetConfig;
import org.lorastudio.train.AdamW;
import org.lorastudio.train.Losses;
import org.lorastudio.util.ProcessMemory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench}: times LoRA training steps of a UNet with random weights (SD 1.5 by default, or any diffusers
 * {@code unet/config.json}) and prints one JSON line with the step time (median, min, max) and peak resident
 * memory. Peak memory is per process, so compare settings (e.g. gradient checkpointing) in separate runs.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a UNet LoRA training step (random weights); prints one JSON line.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--unet-config", paramLabel = "FILE", description = "diffusers unet/config.json (default: SD 1.5)")
    Path unetConfig;

    @Option(names = "--batch", defaultValue = "1")
    int batch;

    @Option(names = "--latent", defaultValue = "64", description = "latent side (64 = 512 px)")
    int latent;

    @Option(names = "--rank", defaultValue = "8")
    int rank;

    @Option(names = "--targets", defaultValue = "attentions", split = ",")
    List<String> targets;

    @Option(names = "--warmup", defaultValue = "1")
    int warmup;

    @Option(names = "--steps", defaultValue = "3")
    int steps;

    @Option(names = "--threads", description = "libtorch intra-op threads (default: the engine's choice)")
    Integer threads;

    @Option(names = "--gradient-checkpointing")
    boolean checkpointing;

    @Option(names = "--attention-chunk", defaultValue = "0", description = "attention query chunk (0 = off)")
    int chunk;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (threads != null) {
            ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
        }
        UNetConfig cfg = unetConfig == null ? UNetConfig.sd15() : UNetConfig.fromDiffusersJson(unetConfig);
        long rssBefore = ProcessMemory.peakResidentBytes().orElse(-1);
        List<Double> times = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = new UNet2DConditionModel(cfg);
            unet.setAttentionQueryChunk(chunk);
            Engine.getInstance().setRandomSeed(0);
            for (var p : unet.namedParameters().values()) {
                p.set(m.randomNormal(0f, 0.02f, p.shape(), DataType.FLOAT32));
            }
            long weightsRss = ProcessMemory.residentBytes().orElse(-1);
            LoraNetwork net = LoraNetwork.create(LoraTargets.resolve(unet, LoraTargets.UNET, targets), rank, rank, m,
                    new Random(1));
            net.setTrainable(true);
            net.attach();
            int ctxDim = cfg.crossAttentionDim().get(0);
            try (AdamW adam = new AdamW(AdamW.DEFAULTS)) {
                for (int i = 0; i < warmup + steps; i++) {
                    long t0 = System.nanoTime();
                    try (NDManager sm = m.newSubManager();
                         GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray x = sm.randomNormal(new Shape(batch, cfg.inChannels(), latent, latent));
                        NDArray t = sm.create(new long[batch]).add(500);
                        NDArray ctx = sm.randomNormal(new Shape(batch, 77, ctxDim));
                        NDArray noise = sm.randomNormal(x.getShape());
                        if (checkpointing) {
                            CheckpointedForward cf = unet.forwardCheckpointed(x, t, ctx, false);
                            gc.backward(Losses.mse(cf.output(), noise));
                            cf.backward();
                        } else {
                            gc.backward(Losses.mse(unet.forward(x, t, ctx), noise));
                        }
                    }
                    adam.step(net.namedArrays(), 1e-4);
                    if (i >= warmup) {
                        times.add((System.nanoTime() - t0) / 1e6);
                    }
                }
            }
            double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("case", "unet_lora_train_step");
            row.put("unet", unetConfig == null ? "sd15" : unetConfig.toString());
            row.put("params", unet.parameterCount());
            row.put("lora_params", net.parameterCount());
            row.put("batch", batch);
            row.put("latent", latent);
            row.put("rank", rank);
            row.put("gradient_checkpointing", checkpointing);
            row.put("attention_chunk", chunk);
            row.put("step_ms", Map.of("median", sorted[sorted.length / 2], "min", sorted[0],
                    "max", sorted[sorted.length - 1]));
            row.put("items_per_s", batch * 1000.0 / sorted[sorted.length / 2]);
            row.put("rss_after_weights_mb", weightsRss / 1048576);
            row.put("peak_rss_mb", ProcessMemory.peakResidentBytes().orElse(-1) / 1048576);
            row.put("threads", threads == null ? Runtime.getRuntime().availableProcessors() : threads);
            out.println(new ObjectMapper().writeValueAsString(row));
            out.flush();
        }
        return 0;
    }
}
