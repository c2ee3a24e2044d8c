package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BucketsTest {
    @Test
    void resolution512GivesKohyaStyleBucketsUpTo2To1() {
        Buckets b = Buckets.forResolution(512, true);
        assertThat(b.all()).extracting(Bucket::toString).containsExactly("256x512", "320x640", "384x640",
                "448x576", "512x256", "512x512", "576x448", "640x320", "640x384");
        for (Bucket x : b.all()) {
            assertThat((long) x.width() * x.height()).isLessThanOrEqualTo(512L * 512);
            assertThat(x.width() % 64).isZero();
            assertThat(x.height() % 64).isZero();
            assertThat(Math.max(x.width(), x.height())).isLessThanOrEqualTo(2 * Math.min(x.width(), x.height()));
            assertThat(Math.min(x.width(), x.height())).isGreaterThanOrEqualTo(256);
        }
    }

    @Test
    void smallResolutionUsesStep8() {
        Buckets b = Buckets.forResolution(64, true);
        assertThat(Buckets.defaultStep(64)).isEqualTo(8);
        assertThat(b.all()).extracting(Bucket::toString).containsExactly("32x64", "40x80", "48x80", "56x72",
                "64x32", "64x64", "72x56", "80x40", "80x48");
        assertThat(Buckets.generate(64, 64).all()).extracting(Bucket::toString).containsExactly("64x64");
    }

    @Test
    void bucketingOffGivesOneSquare() {
        assertThat(Buckets.forResolution(512, false).all()).containsExactly(new Bucket(512, 512));
        assertThat(Buckets.forResolution(64, false).assign(1000, 300)).isZero();
    }

    @Test
    void imagesGoToTheClosestAspectRatio() {
        Buckets b = Buckets.forResolution(512, true);
        assertThat(b.get(b.assign(1000, 500))).isEqualTo(new Bucket(512, 256));
        assertThat(b.get(b.assign(500, 1000))).isEqualTo(new Bucket(256, 512));
        assertThat(b.get(b.assign(800, 600))).isEqualTo(new Bucket(576, 448));
        assertThat(b.get(b.assign(3000, 3000))).isEqualTo(new Bucket(512, 512));
        assertThat(b.get(b.assign(5000, 100))).as("extreme ratios go to the widest").isEqualTo(new Bucket(512, 256));
        assertThatThrownBy(() -> b.assign(0, 10)).hasMessageContaining("0x10");
    }

    @Test
    void cropPlanCoversTheBucketAndCentresTheCrop() {
        assertThat(Buckets.cropPlan(1000, 500, new Bucket(512, 512))).isEqualTo(new CropPlan(250, 0, 500, 500,
                512, 512));
        assertThat(Buckets.cropPlan(800, 600, new Bucket(576, 448))).isEqualTo(new CropPlan(14, 0, 771, 600,
                576, 448));
        assertThat(Buckets.cropPlan(64, 64, new Bucket(64, 64))).isEqualTo(new CropPlan(0, 0, 64, 64, 64, 64));
        // upscaling a small image: the whole height is used, the width is cropped
        assertThat(Buckets.cropPlan(30, 20, new Bucket(64, 64))).isEqualTo(new CropPlan(5, 0, 20, 20, 64, 64));
    }

    @Test
    void batchesStayWithinABucketKeepOrderAndKeepPartialBatches() {
        int[] order = IntStream.range(0, 8).toArray();
        int[] bucketOf = {0, 1, 0, 0, 1, 2, 0, 1};
        BatchPlan plan = BatchPlan.of(order, bucketOf, 2);
        assertThat(plan.batches()).extracting(BatchPlan.Batch::bucket).containsExactly(0, 1, 0, 1, 2);
        assertThat(plan.batches()).extracting(bt -> Arrays.toString(bt.items()))
                .containsExactly("[0, 2]", "[1, 4]", "[3, 6]", "[7]", "[5]");
        for (BatchPlan.Batch bt : plan.batches()) {
            assertThat(Arrays.stream(bt.items()).map(i -> bucketOf[i]).distinct().toArray())
                    .containsExactly(bt.bucket());
        }
    }

    @Test
    void batchPlanOfAPermutationCoversEveryItemOnce() {
        int n = 37;
        int[] bucketOf = IntStream.range(0, n).map(i -> (i * 7) % 3).toArray();
        int[] order = new SeedStreams(1).permutation(n, 4);
        BatchPlan plan = BatchPlan.of(order, bucketOf, 4);
        int[] all = plan.batches().stream().flatMapToInt(bt -> Arrays.stream(bt.items())).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, n).toArray());
        assertThat(plan.batches()).allSatisfy(bt -> assertThat(bt.size()).isBetween(1, 4));
        assertThat(BatchPlan.of(order, bucketOf, 4)).usingRecursiveComparison().isEqualTo(plan);
    }
}
