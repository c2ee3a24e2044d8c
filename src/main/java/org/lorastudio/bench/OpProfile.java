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
     * @param topLevel      top-level aten ops: the op calls made from Java through JNI (forward, loss, optimizer)
     * @param backwardNodes autograd nodes run by the backward pass (each runs a few nested aten ops)
     * @param all           every aten event, nested ones included
     * @param topLevelMs    summed wall time of the top-level ops (time spent inside libtorch from Java's calls)
     * @param top           the most frequent top-level op names with their counts
     * @param backwardMs    summed wall time of the backward nodes (autograd's thread)
     * @param slowest       where the time goes: the top-level ops and backward nodes with the largest summed
     *                      wall time, in ms ({@code aten::conv2d}, {@code ConvolutionBackward0}, ...)
     */
    public record Counts(long topLevel, long backwardNodes, long all, double topLevelMs, Map<String, Long> top,
                         double backwardMs, Map<String, Double> slowest) {
    }

    private static final String BACKWARD = "autograd::engine::evaluate_function: ";

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
        List<Event> all = new ArrayList<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText("X")) && e.has("dur")) {
                all.add(new Event(e.path("name").asText(""), e.path("tid").asLong(), e.path("ts").asDouble(),
                        e.path("dur").asDouble()));
            }
        }
        all.sort(Comparator.comparingLong(Event::tid).thenComparingDouble(Event::ts)
                .thenComparing(Comparator.comparingDouble(Event::dur).reversed()));
        long top = 0;
        long backward = 0;
        long aten = 0;
        double topMs = 0;
        double backwardMs = 0;
        Map<String, Long> byName = new HashMap<>();
        Map<String, Double> timeByName = new HashMap<>();
        Deque<Double> open = new ArrayDeque<>(); // end times of the enclosing events on the current thread
        long tid = Long.MIN_VALUE;
        for (Event e : all) {
            if (e.tid() != tid) {
                open.clear();
                tid = e.tid();
            }
            while (!open.isEmpty() && open.peek() <= e.ts()) {
                open.pop();
            }
            boolean isAten = e.name().startsWith("aten::");
            if (isAten) {
                aten++;
            }
            if (open.isEmpty()) {
                if (isAten) {
                    top++;
                    topMs += e.dur() / 1000.0;
                    byName.merge(e.name(), 1L, Long::sum);
                    timeByName.merge(e.name(), e.dur() / 1000.0, Double::sum);
                } else if (e.name().startsWith("autograd::engine::evaluate_function")) {
                    backward++;
                    backwardMs += e.dur() / 1000.0;
                    String node = e.name().startsWith(BACKWARD) ? e.name().substring(BACKWARD.length()) : e.name();
                    timeByName.merge(node, e.dur() / 1000.0, Double::sum);
                }
            }
            open.push(e.ts() + e.dur());
        }
        Map<String, Long> most = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .forEach(en -> most.put(en.getKey(), en.getValue()));
        Map<String, Double> slowest = new java.util.LinkedHashMap<>();
        timeByName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
                .forEach(en -> slowest.put(en.getKey(), Stats.round(en.getValue())));
        return new Counts(top, backward, aten, Stats.round(topMs), most, Stats.round(backwardMs), slowest);
    }
}
