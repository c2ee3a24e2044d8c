package org.lorastudio.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Counts the native operations of one piece of work with libtorch's own profiler (DJL exposes it as
 * {@code JniUtils.startProfile/stopProfile}, which writes a Chrome trace). Every op DJL calls through JNI is one
 * <em>top-level</em> {@code aten::} event (not nested inside another op on the same thread); ops libtorch runs
 * inside them (e.g. {@code aten::linear} → {@code aten::matmul} → {@code aten::mm}) and autograd's backward nodes
 * are counted separately as <em>all</em> events. The profiled run is slower, so it is never one of the timed steps.
 */
public final class OpProfile {
    /**
     * @param topLevel   top-level aten ops (≈ JNI op calls from Java, plus backward ops started by autograd)
     * @param all        every aten event, nested ones included
     * @param topLevelMs summed wall time of the top-level ops (time spent inside libtorch)
     * @param top        the most frequent top-level op names with their counts
     */
    public record Counts(long topLevel, long all, double topLevelMs, Map<String, Long> top) {
    }

    private OpProfile() {
    }

    /** Runs {@code work} under the profiler and counts its ops. */
    public static Counts measure(Runnable work) throws IOException {
        Path trace = Files.createTempFile("lorastudio-profile", ".json");
        try {
            JniUtils.startProfile(false, false, false);
            try {
                work.run();
            } finally {
                JniUtils.stopProfile(trace.toString());
            }
            return parse(trace);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    private record Event(String name, long tid, double ts, double dur) {
    }

    static Counts parse(Path trace) throws IOException {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        List<Event> ops = new ArrayList<>();
        for (JsonNode e : events) {
            String name = e.path("name").asText("");
            if (!"X".equals(e.path("ph").asText("X")) || !name.startsWith("aten::")) {
                continue;
            }
            ops.add(new Event(name, e.path("tid").asLong(), e.path("ts").asDouble(), e.path("dur").asDouble()));
        }
        ops.sort(Comparator.comparingLong(Event::tid).thenComparingDouble(Event::ts)
                .thenComparing(Comparator.comparingDouble(Event::dur).reversed()));
        long top = 0;
        double topMs = 0;
        Map<String, Long> byName = new HashMap<>();
        Deque<Double> open = new ArrayDeque<>(); // end times of the enclosing ops on the current thread
        long tid = Long.MIN_VALUE;
        for (Event e : ops) {
            if (e.tid() != tid) {
                open.clear();
                tid = e.tid();
            }
            while (!open.isEmpty() && open.peek() <= e.ts()) {
                open.pop();
            }
            if (open.isEmpty()) {
                top++;
                topMs += e.dur() / 1000.0;
                byName.merge(e.name(), 1L, Long::sum);
            }
            open.push(e.ts() + e.dur());
        }
        Map<String, Long> most = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(en -> most.put(en.getKey(), en.getValue()));
        return new Counts(top, ops.size(), Stats.round(topMs), most);
    }
}
