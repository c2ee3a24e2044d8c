package org.lorastudio.train;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.lorastudio.util.UserException;

/**
 * Which items {@code validation_split} holds out of training (issue 16): {@code round(n × split)} of them, at least
 * one and never all, drawn without replacement from the run seed's {@link SeedStreams#VALIDATION} stream. The same
 * seed and item count always give the same set, so a resumed run holds out what it started with; the trainer also
 * records the names in the run's {@code validation.json}.
 */
public final class ValidationSplit {
    private ValidationSplit() {
    }

    /**
     * The held-out indices of {@code 0 .. n-1}, ascending.
     *
     * @throws UserException when a split above 0 would leave nothing to train on or nothing to validate on
     */
    public static int[] heldOut(int n, double split, SeedStreams streams) {
        if (split <= 0) {
            return new int[0];
        }
        if (n < 2) {
            throw new UserException("validation_split " + split + " needs at least 2 items in the data, found " + n
                    + "; add data or set validation_split: 0");
        }
        int count = (int) Math.min(n - 1, Math.max(1, Math.round(n * split)));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = streams.random(SeedStreams.VALIDATION);
        for (int i = n - 1; i > 0; i--) { // Fisher–Yates; the first `count` of the shuffled order are held out
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[] out = Arrays.copyOf(order, count);
        Arrays.sort(out);
        return out;
    }

    /** A mask of length {@code n}: true for the held-out indices. */
    public static boolean[] mask(int n, int[] heldOut) {
        boolean[] m = new boolean[n];
        for (int i : heldOut) {
            m[i] = true;
        }
        return m;
    }
}
