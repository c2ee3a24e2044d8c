package org.lorastudio.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.lorastudio.dataset.DatasetItem;
import org.lorastudio.dataset.DatasetScanner;
import org.lorastudio.model.vae.AutoencoderKL;
import org.lorastudio.train.Buckets;
import org.lorastudio.train.CropPlan;
import org.lorastudio.runtime.NoGrad;
import org.lorastudio.train.Prefetcher;
import org.lorastudio.train.sd.ImagePrep;
import org.lorastudio.util.UserException;

/**
 * Images per second of latent caching, the way training prepares its data: decode + crop/resize to the bucket
 * (Java), then VAE encode (libtorch) — measured for decoding alone, serially on one thread, and with the decoding
 * prefetched on background threads while the calling thread encodes ({@link Prefetcher}, what training uses).
 */
public final class DataLoadBench {
    private DataLoadBench() {
    }

    private record Decoded(float[] pixels, CropPlan plan) {
    }

    @SuppressWarnings("try")
    public static Map<String, Object> run(Path dataset, Path vaeFolder, int resolution, int repeats)
            throws IOException {
        List<DatasetItem> items = DatasetScanner.scan(dataset).items();
        if (items.isEmpty()) {
            throw new UserException("bench: no images in " + dataset);
        }
        Buckets buckets = Buckets.square(resolution);
        Prefetcher.Loader<DatasetItem, Decoded> decode = it -> {
            BufferedImage img = ImagePrep.read(it.image());
            CropPlan plan = Buckets.cropPlan(img.getWidth(), img.getHeight(),
                    buckets.get(buckets.assign(img.getWidth(), img.getHeight())));
            return new Decoded(ImagePrep.toTensor(img, plan, false), plan);
        };
        MemoryProbe.resetPeak();
        List<Double> decodeOnly = new ArrayList<>();
        List<Double> serial = new ArrayList<>();
        List<Double> prefetched = new ArrayList<>();
        int threads = Prefetcher.defaultThreads();
        try (NDManager m = NDManager.newBaseManager(); NoGrad g = NoGrad.enter()) {
            AutoencoderKL vae = AutoencoderKL.fromPretrained(vaeFolder, m, DataType.FLOAT32);
            for (int r = 0; r < repeats + 1; r++) { // the first round warms up (JIT, libtorch kernels, file cache)
                long t0 = System.nanoTime();
                for (DatasetItem it : items) {
                    decode.load(it);
                }
                double a = items.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                for (DatasetItem it : items) {
                    encode(m, vae, decode.load(it));
                }
                double b = items.size() / ((System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
                try (Prefetcher<DatasetItem, Decoded> p = new Prefetcher<>(items, decode, threads, 8)) {
                    while (p.hasNext()) {
                        encode(m, vae, p.next());
                    }
                }
                double c = items.size() / ((System.nanoTime() - t0) / 1e9);
                if (r > 0) {
                    decodeOnly.add(a);
                    serial.add(b);
                    prefetched.add(c);
                }
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("case", "data_loading");
        row.put("dataset", dataset.toString());
        row.put("images", items.size());
        row.put("resolution", resolution);
        row.put("repeats", repeats);
        row.put("decode_resize_images_per_s", Stats.round(Stats.of(decodeOnly).median()));
        row.put("serial_images_per_s", Stats.round(Stats.of(serial).median()));
        row.put("prefetched_images_per_s", Stats.round(Stats.of(prefetched).median()));
        row.put("prefetch_threads", threads);
        row.put("peak_rss_mb", MemoryProbe.peakRssMb());
        row.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
        return row;
    }

    private static void encode(NDManager manager, AutoencoderKL vae, Decoded d) {
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(d.pixels(), new Shape(1, 3, d.plan().height(), d.plan().width()));
            vae.encodeMoments(x).toFloatArray();
        }
    }
}
