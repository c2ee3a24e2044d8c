package org.lorastudio.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Median, min and max of a series of timings (milliseconds), rounded for the JSON line. */
public record Stats(double median, double min, double max, int n) {
    public static Stats of(List<Double> values) {
        if (values.isEmpty()) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        return new Stats(median, s[0], s[s.length - 1], s.length);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", round(median));
        m.put("min", round(min));
        m.put("max", round(max));
        m.put("n", n);
        return m;
    }

    static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
