package org.lorastudio.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cheap cases, in one process (peaks are reset per case): the sd-tiny-a UNet training step without, with
 * block and with per-layer gradient checkpointing; generation in fp32 and fp16; latent caching over the demo data
 * set; and the 5,000-step native-memory drift run (after 1,000 unsampled warm-up steps). Every case prints its
 * own JSON line as soon as it is done.
 */
public final class BenchSuite {
    private BenchSuite() {
    }

    /** The sd-tiny-a training case of the suite: batch 2, 8×8 latents, rank 8, attention targets. */
    public static UNetCase tinyTrain(int warmup, int steps) {
        return new UNetCase("sd-tiny-a", UNetCase.DEMO_UNET, 2, 8, 8, List.of("attentions"), UNetCase.Precision.FP32,
                UNetCase.Checkpointing.NONE, 0, warmup, steps);
    }

    public static void run(int steps, int driftSteps, Consumer<Map<String, Object>> out) throws IOException {
        UNetCase tiny = tinyTrain(Math.max(5, steps / 5), steps);
        out.accept(TrainStepBench.run(tiny, true));
        out.accept(TrainStepBench.run(tiny.withCheckpointing(UNetCase.Checkpointing.BLOCKS), true));
        out.accept(TrainStepBench.run(tiny.withCheckpointing(UNetCase.Checkpointing.LAYERS), true));
        out.accept(GenerationBench.run(tiny, true));
        out.accept(GenerationBench.run(tiny.withPrecision(UNetCase.Precision.FP16), true));
        out.accept(DataLoadBench.run(Path.of("workspace/datasets/demo"), Path.of("models/demo/vae"), 64, 3));
        if (driftSteps > 0) {
            out.accept(DriftBench.run(tinyTrain(1000, 1), driftSteps, Math.max(1, driftSteps / 10), out));
        }
    }
}
