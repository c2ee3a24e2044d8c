package org.lorastudio.config;

import java.math.BigDecimal;

/**
 * Formats numbers the way people write hyper-parameters: {@code 2.0e-4} rather than {@code 2.0E-4} or
 * {@code 0.0002}. The digits are those of {@link Double#toString}, the shortest text that reads back to the same
 * double, so a saved config loads back bit for bit.
 */
final class ConfigNumbers {
    private ConfigNumbers() {
    }

    /**
     * YAML form: scientific below 0.01 and from 1e7, with a dot in the mantissa ({@code 2.0e-4}) so that YAML 1.1
     * readers such as PyYAML also see a float, not a string.
     */
    static String yaml(double d) {
        return format(d, false);
    }

    /** Compact form for names and messages: {@code 2e-4}, {@code 1.5e-4}, {@code 0.01}, {@code 7.5}, {@code 1}. */
    static String compact(double d) {
        return format(d, true);
    }

    private static String format(double d, boolean compact) {
        if (d == 0 || Double.isNaN(d) || Double.isInfinite(d)) {
            return d == 0 ? (compact ? "0" : "0.0") : Double.toString(d);
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -2 && exponent < 7) {
            String plain = bd.toPlainString();
            return compact || plain.contains(".") ? plain : plain + ".0";
        }
        String digits = bd.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits + (compact ? "" : ".0")
                : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + exponent;
    }
}
