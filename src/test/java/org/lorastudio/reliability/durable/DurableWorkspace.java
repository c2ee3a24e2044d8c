package org.lorastudio.reliability.durable;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.run.RunFolder;

/**
 * The folder the durability child edits and the parent checks: a {@code .txt}-caption data set, a
 * {@code metadata.csv} data set, one run folder (its {@code notes.md}) and one config file, plus the journal.
 * Targets are named {@code kind:name}: {@code txt:img_07.png}, {@code csv:c_03.png}, {@code notes:notes.md},
 * {@code config:train.yaml}.
 */
final class DurableWorkspace {
    static final int TXT_IMAGES = 24;
    static final int CSV_IMAGES = 6;
    static final String TXT = "txt";
    static final String CSV = "csv";
    static final String NOTES = "notes";
    static final String CONFIG = "config";

    private final Path root;

    private DurableWorkspace(Path root) {
        this.root = root;
    }

    static DurableWorkspace at(Path root) {
        return new DurableWorkspace(root);
    }

    /** Creates the data sets, the run and the config with their first texts. */
    static DurableWorkspace create(Path root) throws IOException {
        DurableWorkspace ws = new DurableWorkspace(root);
        Files.createDirectories(ws.txtDir());
        for (int i = 0; i < TXT_IMAGES; i++) {
            png(ws.txtDir().resolve(txtName(i)), i);
            Files.writeString(ws.txtDir().resolve(String.format("img_%02d.txt", i)),
                    "first caption of image " + i + ", plain", StandardCharsets.UTF_8);
        }
        Files.createDirectories(ws.csvDir());
        StringBuilder csv = new StringBuilder("file_name,text\n");
        for (int i = 0; i < CSV_IMAGES; i++) {
            png(ws.csvDir().resolve(csvName(i)), 100 + i);
            csv.append(csvName(i)).append(",\"first, csv caption ").append(i).append("\"\n");
        }
        Files.writeString(ws.csvDir().resolve("metadata.csv"), csv, StandardCharsets.UTF_8);
        RunFolder.create(ws.runsDir(), "durable", "sd15", "name: durable\n");
        Files.createDirectories(ws.configFile().getParent());
        Files.writeString(ws.configFile(), "name: durable\nlora_rank: 4\n", StandardCharsets.UTF_8);
        return ws;
    }

    Path root() {
        return root;
    }

    Path txtDir() {
        return root.resolve("data-txt");
    }

    Path csvDir() {
        return root.resolve("data-csv");
    }

    Path runsDir() {
        return root.resolve("runs");
    }

    Path runDir() {
        try (Stream<Path> s = Files.list(runsDir())) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path notesFile() {
        return runDir().resolve(RunFolder.NOTES_FILE);
    }

    Path configFile() {
        return root.resolve("configs").resolve("train.yaml");
    }

    Path journal() {
        return root.resolve("journal.log");
    }

    /** The folders whose files are saved atomically (where temporary files can appear). */
    List<Path> writtenFolders() {
        return List.of(txtDir(), csvDir(), runDir(), configFile().getParent());
    }

    static String txtName(int i) {
        return String.format("img_%02d.png", i);
    }

    static String csvName(int i) {
        return String.format("c_%02d.png", i);
    }

    /**
     * Every target and what it holds now, read the way the product reads it; a file the product cannot read is
     * reported as {@code (unreadable: why)}, which is never an allowed text.
     */
    Map<String, String> currentTexts() {
        Map<String, String> out = new LinkedHashMap<>();
        readCaptions(out, TXT, txtDir(), TXT_IMAGES, DurableWorkspace::txtName);
        readCaptions(out, CSV, csvDir(), CSV_IMAGES, DurableWorkspace::csvName);
        out.put(NOTES + ":" + RunFolder.NOTES_FILE, readText(notesFile()));
        out.put(CONFIG + ":" + configFile().getFileName(), readText(configFile()));
        return out;
    }

    private static void readCaptions(Map<String, String> out, String kind, Path dir, int count,
                                     IntFunction<String> name) {
        CaptionStore store;
        try {
            store = CaptionStore.open(dir, Optional.empty());
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < count; i++) {
                out.put(kind + ":" + name.apply(i), "(unreadable: " + e.getMessage() + ")");
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            String text;
            try {
                text = store.read(dir.resolve(name.apply(i))).orElse(null);
            } catch (IOException | RuntimeException e) {
                text = "(unreadable: " + e.getMessage() + ")";
            }
            out.put(kind + ":" + name.apply(i), text);
        }
    }

    private static String readText(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Every file (hidden ones too) in the folders that are written. */
    List<Path> allFiles() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : writtenFolders()) {
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(out::add);
            }
        }
        return out;
    }

    private static void png(Path file, int seed) throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, (seed * 40503 + x * 97 + y * 31) & 0xFFFFFF);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }
}
