package org.lorastudio.train;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;

/**
 * One run seed → named, independent, reproducible random streams (STYLE 10). Each stream seed is a hash of
 * (run seed, stream name[, index]), so a per-epoch or per-step stream is re-derived on resume from its index alone,
 * with no RNG state to save: e.g. before drawing the noise of optimizer step {@code s},
 * {@code streams.seedEngine(SeedStreams.NOISE, s)}; the data order of epoch {@code e} is
 * {@code streams.permutation(n, e)}.
 *
 * <p>Derivation: the first 8 bytes (big-endian) of SHA-256 over {@code "lorastudio-seed-v1"}, the run seed, the
 * UTF-8 name and the index (each length-prefixed / fixed-width, so no two inputs collide). SHA-256 makes streams
 * with nearby seeds or indices statistically unrelated, and the scheme is stable across JVMs and releases — change
 * the version tag if it ever has to change, since old runs depend on it.
 */
public final class SeedStreams {
    public static final String DATA_ORDER = "data_order";
    public static final String LORA_INIT = "lora_init";
    public static final String NOISE = "noise";
    public static final String TIMESTEPS = "timesteps";
    public static final String DROPOUT = "dropout";
    public static final String CAPTION = "caption";
    public static final String FLIP = "flip";
    public static final String SAMPLE = "sample";
    /** Which items validation_split holds out (once per run). */
    public static final String VALIDATION = "validation";

    private static final byte[] TAG = "lorastudio-seed-v1".getBytes(StandardCharsets.US_ASCII);
    private static final long NO_INDEX = Long.MIN_VALUE;

    private final long runSeed;

    public SeedStreams(long runSeed) {
        this.runSeed = runSeed;
    }

    public long runSeed() {
        return runSeed;
    }

    /** The seed of a stream that is used once per run (e.g. {@link #LORA_INIT}). */
    public long seed(String name) {
        return derive(name, NO_INDEX);
    }

    /** The seed of a stream re-derived per epoch or per step ({@code index} ≥ 0). */
    public long seed(String name, long index) {
        if (index < 0) {
            throw new IllegalArgumentException("stream index must be >= 0, found " + index);
        }
        return derive(name, index);
    }

    /** A 31-bit non-negative seed for APIs that take an int, such as DJL's {@code Engine.setRandomSeed}. */
    public int intSeed(String name, long index) {
        return (int) (seed(name, index) >>> 33);
    }

    /** A Java random generator for a per-run stream. */
    public SplittableRandom random(String name) {
        return new SplittableRandom(seed(name));
    }

    /** A Java random generator for a per-epoch / per-step stream. */
    public SplittableRandom random(String name, long index) {
        return new SplittableRandom(seed(name, index));
    }

    /** A {@link Random} (for APIs that need one, e.g. {@code Collections.shuffle}) for a per-epoch/step stream. */
    public Random javaRandom(String name, long index) {
        return new Random(seed(name, index));
    }

    /**
     * Seeds the engine's (libtorch) generator for stream {@code name} at {@code index}: everything drawn with
     * {@code manager.randomNormal/randomUniform/randomInteger} afterwards on this thread is reproducible.
     */
    public void seedEngine(String name, long index) {
        Engine.getInstance().setRandomSeed(intSeed(name, index));
    }

    /**
     * The data order of one epoch: a permutation of {@code 0 .. n-1} (Fisher–Yates) drawn from
     * {@code seed(DATA_ORDER, epoch)}.
     */
    public int[] permutation(int n, int epoch) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = random(DATA_ORDER, epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    private long derive(String name, long index) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("stream name is required");
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(TAG.length + 8 + 4 + n.length + 8);
        b.put(TAG).putLong(runSeed).putInt(n.length).put(n).putLong(index);
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(b.array())).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
