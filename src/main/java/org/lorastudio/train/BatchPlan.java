package org.lorastudio.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batches of one epoch. Every batch holds images of one bucket only. Built from the epoch's data order: walking
 * the order, each item joins the open batch of its bucket; a batch is emitted when full, so batches come out in the
 * order they fill and items keep their relative order. The last partial batch of each bucket is kept (emitted at
 * the end, buckets in order of first appearance). Derived only from (order, buckets, batch size), so a resumed run
 * rebuilds it and skips the batches already done.
 */
public record BatchPlan(List<Batch> batches) {

    /** One batch: its bucket index and the item indices. */
    public record Batch(int bucket, int[] items) {
        public Batch {
            items = items.clone();
        }

        @Override
        public int[] items() {
            return items.clone();
        }

        public int size() {
            return items.length;
        }
    }

    public BatchPlan {
        batches = List.copyOf(batches);
    }

    /**
     * @param order      the epoch's data order (item indices, e.g. {@link SeedStreams#permutation})
     * @param bucketOf   bucket index of every item, indexed by item
     * @param batchSize  maximum batch size
     */
    public static BatchPlan of(int[] order, int[] bucketOf, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch_size must be > 0, found " + batchSize);
        }
        List<Batch> out = new ArrayList<>();
        Map<Integer, List<Integer>> open = new LinkedHashMap<>();
        for (int item : order) {
            if (item < 0 || item >= bucketOf.length) {
                throw new IllegalArgumentException("item " + item + " has no bucket (" + bucketOf.length + " items)");
            }
            int bucket = bucketOf[item];
            List<Integer> batch = open.computeIfAbsent(bucket, b -> new ArrayList<>());
            batch.add(item);
            if (batch.size() == batchSize) {
                out.add(new Batch(bucket, toArray(batch)));
                batch.clear();
            }
        }
        open.forEach((bucket, batch) -> {
            if (!batch.isEmpty()) {
                out.add(new Batch(bucket, toArray(batch)));
            }
        });
        return new BatchPlan(out);
    }

    private static int[] toArray(List<Integer> items) {
        return items.stream().mapToInt(Integer::intValue).toArray();
    }

    public int size() {
        return batches.size();
    }
}
