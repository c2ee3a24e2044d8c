package org.lorastudio.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's thread pools. DJL's PyTorch engine reads {@code ai.djl.pytorch.num_threads} (intra-op) and
 * {@code ai.djl.pytorch.num_interop_threads} when it starts; {@link #configureDefaults()} sets both to the cores
 * this JVM may use, unless the user set them ({@code -D...} or {@code LORASTUDIO_THREADS}), so the count follows the
 * container's CPU quota rather than the host's cores. On a machine shared with other busy processes fewer threads
 * can be faster (OpenMP workers spin while they wait): {@code LORASTUDIO_THREADS=1} or {@code bench --threads}.
 */
public final class NativeThreads {
    public static final String INTRA_OP = "ai.djl.pytorch.num_threads";
    public static final String INTER_OP = "ai.djl.pytorch.num_interop_threads";
    public static final String ENV = "LORASTUDIO_THREADS";

    private NativeThreads() {
    }

    /** Sets the engine's thread properties (before it starts; a no-op for those already set). */
    public static void configureDefaults() {
        int n = requested();
        if (System.getProperty(INTRA_OP) == null) {
            System.setProperty(INTRA_OP, Integer.toString(n));
        }
        if (System.getProperty(INTER_OP) == null) {
            System.setProperty(INTER_OP, Integer.toString(n));
        }
    }

    /** The thread count asked for: {@code LORASTUDIO_THREADS} when set to a positive number, else the cores. */
    public static int requested() {
        String env = System.getenv(ENV);
        if (env != null) {
            try {
                int n = Integer.parseInt(env.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the cores
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Changes the intra-op thread count now (starting the engine if needed). */
    public static void setIntraOp(int threads) {
        configureDefaults();
        Engine.getInstance();
        JniUtils.setNumThreads(Math.max(1, threads));
    }

    /** The intra-op thread count libtorch uses now (starting the engine if needed). */
    public static int intraOp() {
        configureDefaults();
        Engine.getInstance();
        return JniUtils.getNumThreads();
    }
}
