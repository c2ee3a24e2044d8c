package org.lorastudio.dataset;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The dataset check (SPEC §7, §8 {@code dataset check}): everything the scan found, plus what needs the image
 * content. Each image is read once: hashed for exact duplicates, walked structurally for truncation
 * ({@link ImageIntegrity}) and fully decoded, with the decoder's "premature end" warnings counted as truncation.
 * Severities are fixed by {@link ProblemKind}. Long checks report progress and stop when the thread is
 * interrupted.
 */
public final class DatasetChecker {
    /** SD 1.5's native resolution and the config's default {@code resolution}. */
    public static final int DEFAULT_RESOLUTION = 512;
    /**
     * Images above 64 megapixels (8192x8192) are not decoded: an ARGB raster that size needs 256 MiB, and a
     * hostile header can claim far more. Training images are downscaled to about 1 megapixel anyway.
     */
    static final long MAX_PIXELS = 8192L * 8192L;

    private final int resolution;

    public DatasetChecker() {
        this(DEFAULT_RESOLUTION);
    }

    /** @param resolution images with a side below this are reported as small */
    public DatasetChecker(int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution must be at least 1, found " + resolution);
        }
        this.resolution = resolution;
    }

    /** Receives progress: {@code done} of {@code total} images checked. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(int done, int total);
    }

    public DatasetReport check(Dataset dataset) {
        return check(dataset, Progress.NONE);
    }

    /**
     * Checks every image of a scanned dataset.
     *
     * @throws CancellationException when the calling thread is interrupted between two images
     */
    public DatasetReport check(Dataset dataset, Progress progress) {
        List<DatasetProblem> problems = new ArrayList<>(dataset.problems());
        Map<String, String> firstByHash = new HashMap<>();
        List<DatasetItem> items = dataset.items();
        for (int i = 0; i < items.size(); i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("dataset check cancelled after " + i + " of " + items.size());
            }
            checkItem(items.get(i), dataset, firstByHash, problems);
            progress.update(i + 1, items.size());
        }
        problems.sort(DatasetProblem.REPORT_ORDER);
        return new DatasetReport(dataset.root(), resolution, problems, summarize(dataset));
    }

    private void checkItem(DatasetItem item, Dataset dataset, Map<String, String> firstByHash,
                           List<DatasetProblem> problems) {
        checkCaption(item, dataset, problems);
        item.size().filter(s -> s.width() < resolution || s.height() < resolution).ifPresent(s -> problems.add(
                new DatasetProblem(ProblemKind.SMALL_IMAGE, item.name(), s + " is smaller than the training resolution "
                        + resolution + "; it will be upscaled and look soft. Use images of at least " + resolution
                        + "x" + resolution)));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(item.image());
        } catch (IOException e) {
            problems.add(new DatasetProblem(ProblemKind.UNREADABLE_IMAGE, item.name(), "cannot read the file ("
                    + e.getMessage() + "); check its permissions"));
            return;
        }
        String hash = sha256(bytes);
        String first = firstByHash.putIfAbsent(hash, item.name());
        if (first != null) {
            problems.add(new DatasetProblem(ProblemKind.DUPLICATE_IMAGE, item.name(), "has the same content as "
                    + first + "; delete one copy, or it trains twice as often"));
        }
        Optional<ImageIntegrity.Damage> damage = ImageIntegrity.check(bytes);
        if (damage.isPresent()) {
            String what = damage.get().kind() == ProblemKind.TRUNCATED_IMAGE ? "image data is truncated"
                    : "image data is corrupted";
            problems.add(new DatasetProblem(damage.get().kind(), item.name(), what + " (" + damage.get().detail()
                    + "); copy the file again from its source or remove it"));
            return;
        }
        if (item.size().isEmpty()) {
            return; // the scan already reported the unreadable header
        }
        if (item.size().get().pixels() > MAX_PIXELS) {
            problems.add(new DatasetProblem(ProblemKind.UNREADABLE_IMAGE, item.name(), item.size().get()
                    + " is above " + MAX_PIXELS / 1_000_000 + " megapixels and was not decoded; downscale it"));
            return;
        }
        decode(bytes, item.name(), Optional.of(item.format())).ifPresent(problems::add);
    }

    /** Decodes all pixels; returns the problem when the decoder fails or reports a premature end. */
    private static Optional<DatasetProblem> decode(byte[] bytes, String name,
                                                   Optional<ImageFormat> format) {
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            ImageReader reader = ImageProbe.readerFor(in, format);
            try {
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                reader.setInput(in, true, true);
                reader.read(0);
            } catch (RuntimeException e) {
                throw ImageProbe.decoderFailure(e);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            boolean eof = e instanceof EOFException || e.getCause() instanceof EOFException;
            return Optional.of(eof
                    ? new DatasetProblem(ProblemKind.TRUNCATED_IMAGE, name, "image data is truncated (the decoder "
                            + "reached the end of the file); copy the file again from its source or remove it")
                    : new DatasetProblem(ProblemKind.UNREADABLE_IMAGE, name, "cannot decode the image ("
                            + e.getMessage() + "); re-export it as PNG or JPEG or remove it"));
        }
        // libjpeg's words for a cut-off scan, which ImageIO passes on as a warning while filling the rest grey.
        return warnings.stream().filter(w -> w.contains("Premature end")).findFirst().map(w -> new DatasetProblem(
                ProblemKind.TRUNCATED_IMAGE, name, "image data is truncated (the decoder says: " + w
                        + "); copy the file again from its source or remove it"));
    }

    private static void checkCaption(DatasetItem item, Dataset dataset, List<DatasetProblem> problems) {
        if (item.caption().isEmpty()) {
            String where = switch (dataset.source()) {
                case TXT_FILES -> TxtCaptionStore.captionPath(item.image()).getFileName() + " not found";
                case METADATA_CSV, METADATA_JSONL -> "no row in " + dataset.metadataFile()
                        .map(p -> p.getFileName().toString()).orElse("the metadata file");
            };
            problems.add(new DatasetProblem(ProblemKind.MISSING_CAPTION, item.name(), "has no caption (" + where
                    + "); it trains with an empty prompt. Write a caption or remove the image"));
        } else if (item.caption().get().isBlank()) {
            problems.add(new DatasetProblem(ProblemKind.EMPTY_CAPTION, item.name(), "has an empty caption; "
                    + "it trains with an empty prompt. Write a caption"));
        }
    }

    static DatasetSummary summarize(Dataset dataset) {
        Map<String, Integer> bySize = new TreeMap<>();
        List<String> captions = new ArrayList<>();
        int captioned = 0;
        for (DatasetItem item : dataset.items()) {
            item.size().ifPresent(s -> bySize.merge(s.toString(), 1, Integer::sum));
            if (item.caption().filter(c -> !c.isBlank()).isPresent()) {
                captioned++;
                captions.add(item.caption().get());
            }
        }
        Map<String, Integer> histogram = new java.util.LinkedHashMap<>();
        bySize.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> histogram.put(e.getKey(), e.getValue()));
        return new DatasetSummary(dataset.items().size(), dataset.trainingItemsPerEpoch(), captioned,
                dataset.source(), histogram, Tags.top(captions, DatasetSummary.TOP_TAGS));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
