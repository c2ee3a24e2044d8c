package org.lorastudio.compare;

import java.util.Locale;

/** How numbers read in tables: fixed, locale-independent, and "—" for a value that does not exist. */
public final class Formats {
    private Formats() {
    }

    /** A loss with four significant digits ({@code 0.1235}, {@code 1.235e-05}), or — when absent. */
    public static String loss(Double loss) {
        if (loss == null) {
            return ConfigDiff.MISSING;
        }
        if (loss.isNaN() || loss.isInfinite()) {
            return loss.toString();
        }
        return String.format(Locale.ROOT, "%.4g", loss);
    }

    /** A duration as {@code 1h 02m 03s}, {@code 4m 05s} or {@code 12s}, or — when absent. */
    public static String duration(Double seconds) {
        if (seconds == null || seconds.isNaN() || seconds < 0) {
            return ConfigDiff.MISSING;
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** Bytes in binary units as people read them: {@code 999 B}, {@code 12.3 MB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
