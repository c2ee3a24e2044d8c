package org.lorastudio.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of {@code metrics.jsonl}: the state of training at one logged optimizer step.
 *
 * @param step optimizer step (1-based)
 * @param epoch epoch the step belongs to (1-based)
 * @param loss training loss at this step (may be NaN when training diverged)
 * @param lr learning rate used at this step
 * @param seconds seconds since training started
 * @param itemsPerSecond throughput at this step (images or sequences per second)
 * @param extra further named values (for example {@code grad_norm}), numbers, strings or booleans, in order
 */
public record MetricPoint(long step, int epoch, double loss, double lr, double seconds, double itemsPerSecond,
                          Map<String, Object> extra) {

    /** The fixed field names, in the order they are written. */
    static final Set<String> CORE_FIELDS = Set.of("step", "epoch", "loss", "lr", "seconds", "items_per_s");

    public MetricPoint {
        extra = extra == null || extra.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        for (Map.Entry<String, Object> e : extra.entrySet()) {
            Objects.requireNonNull(e.getKey(), "extra key");
            if (CORE_FIELDS.contains(e.getKey())) {
                throw new IllegalArgumentException("extra metric '" + e.getKey() + "' would shadow a core field");
            }
            Object v = e.getValue();
            if (!(v == null || v instanceof Number || v instanceof String || v instanceof Boolean)) {
                throw new IllegalArgumentException("extra metric '" + e.getKey() + "' must be a number, string or "
                        + "boolean, found " + v.getClass().getSimpleName());
            }
        }
    }

    /** A point without extra values. */
    public MetricPoint(long step, int epoch, double loss, double lr, double seconds, double itemsPerSecond) {
        this(step, epoch, loss, lr, seconds, itemsPerSecond, Map.of());
    }

    /** This point as one compact JSON object (no newline), core fields first. */
    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("step", step);
        o.put("epoch", epoch);
        o.put("loss", loss);
        o.put("lr", lr);
        o.put("seconds", seconds);
        o.put("items_per_s", itemsPerSecond);
        extra.forEach((k, v) -> o.set(k, Json.MAPPER.valueToTree(v)));
        return o;
    }

    /**
     * Reads a point from a parsed line. {@code step} and {@code loss} are required; the other core fields default
     * to 0 when absent, so that logs written by hand or by older versions still load.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static MetricPoint fromJson(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, found " + node.getNodeType());
        }
        JsonNode step = node.get("step");
        if (step == null || !step.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-integer \"step\"");
        }
        if (node.get("loss") == null) {
            throw new IllegalArgumentException("missing \"loss\"");
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!CORE_FIELDS.contains(e.getKey())) {
                extra.put(e.getKey(), scalar(e.getKey(), e.getValue()));
            }
        });
        return new MetricPoint(step.asLong(), (int) number(node, "epoch"), number(node, "loss"), number(node, "lr"),
                number(node, "seconds"), number(node, "items_per_s"), extra);
    }

    /** A number field; JSON has no NaN or infinity, so Jackson writes them as the strings "NaN", "Infinity". */
    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN" -> {
                    return Double.NaN;
                }
                case "Infinity" -> {
                    return Double.POSITIVE_INFINITY;
                }
                case "-Infinity" -> {
                    return Double.NEGATIVE_INFINITY;
                }
                default -> {
                    // not a number: reported below
                }
            }
        }
        throw new IllegalArgumentException("\"" + field + "\" must be a number, found " + v);
    }

    private static Object scalar(String key, JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            return v.asText();
        }
        throw new IllegalArgumentException("\"" + key + "\" must be a number, string or boolean, found " + v);
    }
}
