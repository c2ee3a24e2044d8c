package org.lorastudio.train.pretrain;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.dataset.Dataset;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.train.Buckets;
import org.lorastudio.train.SeedStreams;
import org.lorastudio.train.sd.ImagePrep;
import org.lorastudio.util.UserException;

/**
 * The images and captions of a pretraining run: every image of {@code train_data_dir} at the config's square
 * resolution (centre-cropped and resized as LoRA training does), as CHW floats in [−1, 1] held in Java memory.
 */
final class PretrainImages {
    private final Dataset dataset;
    private final int resolution;
    private final List<float[]> pixels;
    private final List<String> captions;

    private PretrainImages(Dataset dataset, int resolution, List<float[]> pixels, List<String> captions) {
        this.dataset = dataset;
        this.resolution = resolution;
        this.pixels = pixels;
        this.captions = captions;
    }

    static PretrainImages read(TrainingConfig config) throws IOException {
        Dataset ds = DatasetScanner.scan(config.trainDataDir().resolved(), config.metadataPath().map(p -> p.resolved()));
        if (ds.hasErrors()) {
            String first = ds.problems().stream().filter(p -> p.severity() == org.lorastudio.dataset.Severity.ERROR)
                    .map(p -> p.file() + ": " + p.message()).findFirst().orElse("");
            throw new UserException("the data set " + ds.root() + " has errors (first: " + first + "); run"
                    + " `lorastudio dataset check " + ds.root() + "` and fix them");
        }
        if (ds.items().isEmpty()) {
            throw new UserException("no images found in " + ds.root() + " (png, jpg, webp, bmp)");
        }
        int res = config.resolution();
        Buckets square = Buckets.square(res);
        List<float[]> px = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (DatasetItem it : ds.items()) {
            BufferedImage img = ImagePrep.read(it.image());
            px.add(ImagePrep.toTensor(img, Buckets.cropPlan(img.getWidth(), img.getHeight(), square.get(0)), false));
            caps.add(it.captionOrEmpty());
        }
        return new PretrainImages(ds, res, List.copyOf(px), List.copyOf(caps));
    }

    Dataset dataset() {
        return dataset;
    }

    int size() {
        return pixels.size();
    }

    int resolution() {
        return resolution;
    }

    String caption(int i) {
        return captions.get(i);
    }

    /** The images {@code items} as one (B, 3, H, W) array of {@code m}. */
    NDArray batch(NDManager m, int[] items) {
        List<NDArray> parts = new ArrayList<>();
        for (int i : items) {
            parts.add(m.create(pixels.get(i), new Shape(1, 3, resolution, resolution)));
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    /** An epoch's micro-batches: the seeded permutation of all images cut into {@code batchSize} pieces. */
    static List<int[]> microBatches(SeedStreams streams, int n, int batchSize, int epoch) {
        int[] order = streams.permutation(n, epoch);
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            out.add(java.util.Arrays.copyOfRange(order, from, Math.min(n, from + batchSize)));
        }
        return out;
    }

    org.lorastudio.run.DatasetFingerprint fingerprint() throws IOException {
        org.lorastudio.dataset.DatasetFingerprint f = org.lorastudio.dataset.DatasetFingerprint.of(dataset);
        return new org.lorastudio.run.DatasetFingerprint(f.sha256(), f.itemCount());
    }
}
