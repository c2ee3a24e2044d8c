package org.lorastudio.bench;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs thousands of tiny training steps and samples memory every {@code every} steps: resident, native (resident
 * minus the JVM's committed memory, see {@link MemoryProbe}) and the live tensors in the manager tree. A last row
 * gives the drift from the first sample to the last, in percent; per-step scoping should keep it near zero. The
 * case's {@code warmup} steps run before step 1 and are not sampled (the first hundreds of steps grow the process
 * while the JIT compiles and the allocator settles, which is not a leak).
 */
public final class DriftBench {
    private DriftBench() {
    }

    public static Map<String, Object> run(UNetCase c, int totalSteps, int every, Consumer<Map<String, Object>> rows)
            throws IOException {
        MemoryProbe.resetPeak();
        long first = -1;
        long firstRss = -1;
        long firstLive = -1;
        long last = -1;
        long lastRss = -1;
        long lastLive = -1;
        long t0 = System.nanoTime();
        try (TrainStepBench.Rig rig = new TrainStepBench.Rig(c)) {
            for (int i = 0; i < c.warmup(); i++) {
                rig.step();
            }
            t0 = System.nanoTime();
            for (int i = 1; i <= totalSteps; i++) {
                rig.step();
                if (i % every == 0 || i == totalSteps) {
                    // one RSS reading per sample; no forced GC (a full GC's own native buffers showed up as spikes)
                    lastRss = MemoryProbe.rssMb();
                    last = Math.max(0, lastRss - MemoryProbe.jvmUsedMb());
                    MemoryProbe.LiveTensors live = MemoryProbe.liveTensors(rig.manager);
                    lastLive = live.count();
                    if (first < 0) {
                        first = last;
                        firstRss = lastRss;
                        firstLive = lastLive;
                    }
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("case", "drift_sample");
                    r.put("step", i);
                    r.put("rss_mb", lastRss);
                    r.put("native_mb", last);
                    r.put("jvm_committed_mb", MemoryProbe.jvmCommittedMb());
                    r.put("live_tensors", live.count());
                    r.put("live_tensor_mb", Stats.round(live.mb()));
                    r.put("elapsed_s", Stats.round((System.nanoTime() - t0) / 1e9));
                    rows.accept(r);
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", "drift");
        TrainStepBench.describe(row, c, -1, -1);
        row.remove("params");
        row.put("warmup_steps", c.warmup());
        row.put("steps", totalSteps);
        row.put("sample_every", every);
        row.put("native_first_mb", first);
        row.put("native_last_mb", last);
        row.put("native_drift_pct", Stats.round(100.0 * (last - first) / Math.max(1, first)));
        row.put("rss_first_mb", firstRss);
        row.put("rss_last_mb", lastRss);
        row.put("rss_drift_pct", Stats.round(100.0 * (lastRss - firstRss) / Math.max(1, firstRss)));
        row.put("live_tensors_first", firstLive);
        row.put("live_tensors_last", lastLive);
        row.put("ms_per_step", Stats.round((System.nanoTime() - t0) / 1e6 / totalSteps));
        return row;
    }
}
