package org.lorastudio.report;

import java.util.ArrayList;
import java.util.List;

/** Axis tick values at "nice" numbers (1, 2 or 5 times a power of ten), as pure functions. */
final class Ticks {
    private Ticks() {
    }

    /** About {@code target} ticks inside [min, max], at multiples of a nice step. */
    static List<Double> linear(double min, double max, int target) {
        List<Double> ticks = new ArrayList<>();
        if (!(max > min) || target < 2) {
            return ticks;
        }
        double step = niceStep((max - min) / (target - 1));
        double first = Math.ceil(min / step) * step;
        for (int i = 0; i < 1000; i++) {
            double t = first + i * step;
            if (t > max + step * 1e-9) {
                break;
            }
            // round away float noise such as 0.30000000000000004
            ticks.add(Math.round(t / step) * step);
        }
        return ticks;
    }

    /** Ticks for a log axis: 1, 2, 5 × 10^k inside the range, thinned to powers of ten when there are too many. */
    static List<Double> log(double min, double max, int target) {
        List<Double> ticks = new ArrayList<>();
        if (!(max > min) || min <= 0) {
            return ticks;
        }
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max));
        for (int e = lo; e <= hi; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double t = m * Math.pow(10, e);
                if (t >= min && t <= max) {
                    ticks.add(t);
                }
            }
        }
        if (ticks.size() > target) {
            ticks.removeIf(t -> Math.abs(Math.log10(t) - Math.rint(Math.log10(t))) > 1e-9);
        }
        if (ticks.size() < 2) {
            return linear(min, max, Math.min(target, 5));
        }
        return ticks;
    }

    static double niceStep(double raw) {
        double exp = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / exp;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * exp;
    }
}
