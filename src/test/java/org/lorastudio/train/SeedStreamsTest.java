package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class SeedStreamsTest {
    private final SeedStreams streams = new SeedStreams(42);

    @Test
    void sameSeedNameAndIndexGiveTheSameStream() {
        assertThat(new SeedStreams(42).seed(SeedStreams.NOISE, 17)).isEqualTo(streams.seed(SeedStreams.NOISE, 17));
        assertThat(new SeedStreams(42).permutation(50, 3)).containsExactly(streams.permutation(50, 3));
        SplittableRandom a = streams.random(SeedStreams.CAPTION, 5);
        SplittableRandom b = new SeedStreams(42).random(SeedStreams.CAPTION, 5);
        for (int i = 0; i < 10; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
    }

    @Test
    void derivationIsPinnedSoOldRunsStayReproducible() {
        // If this changes, every saved run's data order and noise changes: bump the tag instead.
        long s = streams.seed(SeedStreams.DATA_ORDER, 0);
        assertThat(Long.toHexString(s)).isEqualTo(Long.toHexString(streams.seed("data_order", 0)));
        assertThat(s).isEqualTo(PINNED_DATA_ORDER_0);
    }

    /** seed("data_order", 0) for run seed 42, measured when the scheme was introduced. */
    static final long PINNED_DATA_ORDER_0 = -5315140688060643309L;

    @Test
    void namesIndicesAndRunSeedsGiveDistinctSeeds() {
        Set<Long> seen = new HashSet<>();
        for (long run : new long[] {0, 1, 42, 43, -1}) {
            SeedStreams s = new SeedStreams(run);
            for (String name : new String[] {SeedStreams.DATA_ORDER, SeedStreams.LORA_INIT, SeedStreams.NOISE,
                    SeedStreams.DROPOUT, SeedStreams.CAPTION, SeedStreams.FLIP}) {
                assertThat(seen.add(s.seed(name))).isTrue();
                for (int i = 0; i < 100; i++) {
                    assertThat(seen.add(s.seed(name, i))).as("%d %s %d", run, name, i).isTrue();
                }
            }
        }
    }

    @Test
    void neighbouringStreamsAreUncorrelated() {
        // Pearson correlation of uniform draws of streams step 0 and step 1 (and of two names) is near 0.
        assertThat(Math.abs(correlation(streams.random(SeedStreams.NOISE, 0), streams.random(SeedStreams.NOISE, 1))))
                .isLessThan(0.05);
        assertThat(Math.abs(correlation(streams.random(SeedStreams.NOISE, 0), streams.random(SeedStreams.FLIP, 0))))
                .isLessThan(0.05);
    }

    private static double correlation(SplittableRandom a, SplittableRandom b) {
        int n = 5000;
        double sa = 0;
        double sb = 0;
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < n; i++) {
            double x = a.nextDouble();
            double y = b.nextDouble();
            sa += x;
            sb += y;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        double cov = sab / n - (sa / n) * (sb / n);
        return cov / Math.sqrt((saa / n - (sa / n) * (sa / n)) * (sbb / n - (sb / n) * (sb / n)));
    }

    @Test
    void dataOrderIsAPermutationThatChangesPerEpoch() {
        int[] e0 = streams.permutation(100, 0);
        int[] e1 = streams.permutation(100, 1);
        assertThat(Arrays.stream(e0).sorted().toArray()).containsExactly(java.util.stream.IntStream.range(0, 100)
                .toArray());
        assertThat(e1).isNotEqualTo(e0);
        assertThat(new SeedStreams(43).permutation(100, 0)).isNotEqualTo(e0);
        assertThat(streams.permutation(0, 0)).isEmpty();
        assertThat(streams.permutation(1, 0)).containsExactly(0);
    }

    @Test
    void seedingTheEngineReproducesTorchDraws() {
        try (NDManager m = NDManager.newBaseManager()) {
            streams.seedEngine(SeedStreams.NOISE, 12);
            float[] a = m.randomNormal(new Shape(2, 4, 8, 8)).toFloatArray();
            streams.seedEngine(SeedStreams.NOISE, 13);
            float[] other = m.randomNormal(new Shape(2, 4, 8, 8)).toFloatArray();
            streams.seedEngine(SeedStreams.NOISE, 12); // e.g. after a resume at step 12
            float[] b = m.randomNormal(new Shape(2, 4, 8, 8)).toFloatArray();
            assertThat(b).containsExactly(a);
            assertThat(other).isNotEqualTo(a);
            assertThat(streams.intSeed(SeedStreams.NOISE, 12)).isNotNegative();
        }
    }
}
