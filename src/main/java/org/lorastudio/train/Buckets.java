package org.lorastudio.train;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Aspect-ratio bucketing after kohya's {@code make_bucket_resolutions} / {@code BucketManager}: a set of sizes with
 * pixel area ≤ R², sides multiples of {@code step}, aspect ratio at most 2:1; each image goes to the bucket whose
 * aspect ratio is closest to its own (ties: the first in sorted order), is resized to cover it and centre-cropped.
 *
 * <p>Generation, for resolution R and step s (sides in multiples of s):
 * <ul>
 *   <li>the square {@code ⌊R/s⌋·s};</li>
 *   <li>for every width w = minSide, minSide + s, … ≤ 2R: height {@code h = min(⌊R²/w/s⌋·s, 2w, 2R)}, kept with its
 *       transpose when h ≥ minSide and max(w, h) ≤ 2·min(w, h);</li>
 *   <li>minSide = 256 for R ≥ 512 as kohya's {@code min_bucket_reso}, R/2 below (so 2:1 is still reachable);
 *       the max side 2R is kohya's {@code max_bucket_reso} 1024 at R = 512.</li>
 * </ul>
 * Default step: 64 for R ≥ 256 (kohya's {@code bucket_reso_steps}, latent sides stay multiples of 8 for SD 1.5's
 * three down-samplings), 8 below (so small demo resolutions such as R = 64 still get a few neighbours: 56×72,
 * 48×80, …). With step 8 the latent sides are only whole numbers; a model with k down-samplings needs a step of
 * 8·2^k — pass it explicitly. {@code enable_bucket = false} gives the single square bucket R×R.
 */
public final class Buckets {
    private final List<Bucket> buckets;

    private Buckets(List<Bucket> buckets) {
        this.buckets = List.copyOf(buckets);
    }

    /** Buckets for {@code resolution} with the default step, or the single square when bucketing is off. */
    public static Buckets forResolution(int resolution, boolean enableBucket) {
        return enableBucket ? generate(resolution, defaultStep(resolution)) : square(resolution);
    }

    /** 64 for R ≥ 256, else 8 (see the class comment). */
    public static int defaultStep(int resolution) {
        return resolution >= 256 ? 64 : 8;
    }

    /** The single bucket R×R ({@code enable_bucket: false}). */
    public static Buckets square(int resolution) {
        if (resolution <= 0) {
            throw new IllegalArgumentException("resolution must be > 0, found " + resolution);
        }
        return new Buckets(List.of(new Bucket(resolution, resolution)));
    }

    /** Generates the bucket set (sorted by width, then height). */
    public static Buckets generate(int resolution, int step) {
        if (step <= 0 || resolution < step) {
            throw new IllegalArgumentException("resolution " + resolution + " must be >= the bucket step " + step
                    + " (> 0)");
        }
        long area = (long) resolution * resolution;
        int maxSide = 2 * resolution;
        int minSide = Math.max(step, roundDown(resolution >= 512 ? 256 : resolution / 2, step));
        TreeSet<Bucket> set = new TreeSet<>((a, b) -> a.width() != b.width()
                ? Integer.compare(a.width(), b.width()) : Integer.compare(a.height(), b.height()));
        int side = roundDown(resolution, step);
        set.add(new Bucket(side, side));
        for (int w = minSide; w <= maxSide; w += step) {
            int h = (int) Math.min(Math.min(roundDown(area / w, step), 2L * w), maxSide);
            if (h >= minSide && Math.max(w, h) <= 2 * Math.min(w, h)) {
                set.add(new Bucket(w, h));
                set.add(new Bucket(h, w));
            }
        }
        return new Buckets(new ArrayList<>(set));
    }

    private static int roundDown(long value, int step) {
        return (int) (value / step * step);
    }

    public List<Bucket> all() {
        return buckets;
    }

    public Bucket get(int index) {
        return buckets.get(index);
    }

    public int size() {
        return buckets.size();
    }

    /** Index of the bucket whose aspect ratio is closest to {@code width / height} (kohya: argmin |Δ ratio|). */
    public int assign(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be > 0, found " + width + "x" + height);
        }
        double aspect = (double) width / height;
        int best = 0;
        double bestError = Double.POSITIVE_INFINITY;
        for (int i = 0; i < buckets.size(); i++) {
            double error = Math.abs(buckets.get(i).aspect() - aspect);
            if (error < bestError) {
                best = i;
                bestError = error;
            }
        }
        return best;
    }

    /**
     * Resize-to-cover + centre-crop plan of a {@code width × height} image into {@code bucket}: scale
     * {@code max(bw/w, bh/h)}; the kept source rectangle is the bucket size divided by that scale (rounded, at most
     * the image), centred (left/top get the smaller half of an odd margin).
     */
    public static CropPlan cropPlan(int width, int height, Bucket bucket) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be > 0, found " + width + "x" + height);
        }
        double scale = Math.max((double) bucket.width() / width, (double) bucket.height() / height);
        int srcW = (int) Math.min(width, Math.max(1, Math.round(bucket.width() / scale)));
        int srcH = (int) Math.min(height, Math.max(1, Math.round(bucket.height() / scale)));
        return new CropPlan((width - srcW) / 2, (height - srcH) / 2, srcW, srcH, bucket.width(), bucket.height());
    }
}
