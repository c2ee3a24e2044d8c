package org.lorastudio.util;

/** Versions of the studio and its runtime, for provenance records and {@code --version}. */
public final class Versions {
    /** The libtorch version of the bundled native library (pytorch-native-cpu). */
    public static final String LIBTORCH = "2.7.1";
    /** The DJL version the studio is built against. */
    public static final String DJL = "0.36.0";

    private Versions() {
    }

    public static String studio() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }

    public static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    public static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    }
}
