package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.dataset.DatasetProblem;
import org.lorastudio.dataset.Severity;
import org.lorastudio.util.UserException;

/**
 * The {@code metadata.csv} / {@code metadata.jsonl} readers, through {@link CaptionStore} as the scanner and the
 * caption editor use them, in a dataset folder that also holds the traps a hostile row may aim at: a symlink to a
 * file outside the folder, a dangling link, a folder named like an image, a secret file next to the folder.
 *
 * <p>Invariants: every image the store lists is inside the folder (after resolving links); every problem names
 * the metadata file; and, on every 8th usable file, saving one caption through the store and opening it again
 * gives back exactly the new caption while every other caption stays as it was.
 */
final class MetadataTarget implements FuzzTarget {
    private final String format;
    private final String fileName;
    private final Path scratch;
    private final Path root;
    private final Path realRoot;
    private final Path file;
    private long usable;

    /** @param format "csv" or "jsonl" */
    MetadataTarget(String format) throws IOException {
        this.format = format;
        this.fileName = "metadata." + format;
        scratch = Corpus.scratch(name());
        root = scratch.resolve("dataset");
        Files.createDirectories(root.resolve("sub"));
        Files.createDirectories(root.resolve("folder.png"));
        Path outside = Files.createDirectories(scratch.resolve("outside"));
        Files.writeString(outside.resolve("secret.png"), "not an image");
        for (String image : List.of("a.png", "b.jpg", "c.webp", "sub/d.png", "name with space.png", "ünï.png",
                "e.PNG")) {
            Files.write(root.resolve(image), new byte[] {1});
        }
        Files.createSymbolicLink(root.resolve("link-out.png"), Path.of("../outside/secret.png"));
        Files.createSymbolicLink(root.resolve("dangling.png"), Path.of("nowhere.png"));
        Files.createSymbolicLink(root.resolve("sub/up.png"), Path.of("../a.png"));
        realRoot = root.toRealPath();
        file = root.resolve(fileName);
    }

    @Override
    public String name() {
        return "metadata-" + format;
    }

    @Override
    public List<String> dictionary() {
        List<String> paths = List.of("../outside/secret.png", "/etc/passwd", "C:\\\\x.png", "c:/x.png", "sub/../a.png",
                "./a.png", "sub//d.png", "link-out.png", "dangling.png", "folder.png", "sub/up.png", "a.png/",
                "\\\\server\\\\share\\\\x.png", "..", ".", "", "a.png\\u0000.txt", "ünï.png", "e.PNG", "b.jpg");
        List<String> syntax = format.equals("csv")
                ? List.of(",", "\"", "\"\"", "\r\n", "\r", "\n", "file_name", "text", "file_name,text\n", ",,,")
                : List.of("{\"file_name\": ", "\"text\": ", "null", "[]", "{}", "1", "\"\\ud800\"", "\"\\u0000\"",
                        "\"file_name\": \"a.png\", \"file_name\": \"b.jpg\"", "[[[[[[[[[[[[", "}", "\n", "\r\n");
        return java.util.stream.Stream.concat(paths.stream(), syntax.stream()).toList();
    }

    @Override
    public int maxLength() {
        return 4 << 10;
    }

    @Override
    public byte[] structural(byte[] input, Mutator m) {
        return TextMutation.lines(input, m);
    }

    @Override
    public String run(byte[] input) throws Exception {
        Files.write(file, input);
        CaptionStore store = CaptionStore.open(root, Optional.empty());
        for (DatasetProblem p : store.problems()) {
            assertThat(p.file()).as("problem %s names the metadata file", p).startsWith(fileName);
            assertThat(p.message()).isNotBlank();
        }
        Map<Path, Optional<String>> captions = new LinkedHashMap<>();
        for (Path image : store.listedImages()) {
            assertThat(image.toAbsolutePath().normalize()).as("listed image").startsWith(root);
            assertThat(image.toRealPath()).as("listed image, links resolved").startsWith(realRoot);
            captions.put(image, store.read(image));
        }
        Optional<DatasetProblem> error = store.problems().stream()
                .filter(p -> p.severity() == Severity.ERROR).findFirst();
        if (error.isPresent()) {
            return "rejected: " + error.get().message();
        }
        if (!captions.isEmpty() && usable++ % 8 == 0) {
            checkSaveRoundTrip(store, captions);
        }
        return store.problems().isEmpty() ? "accepted" : "accepted with warnings";
    }

    private void checkSaveRoundTrip(CaptionStore store, Map<Path, Optional<String>> before) throws IOException {
        Path target = before.keySet().iterator().next();
        String caption = "new, \"quoted\" caption\nline two ünï " + usable;
        store.write(target, caption);
        CaptionStore again = CaptionStore.open(root, Optional.empty());
        assertThat(again.read(target)).as("caption saved for %s", target).contains(caption);
        for (Map.Entry<Path, Optional<String>> e : before.entrySet()) {
            if (!e.getKey().equals(target)) {
                assertThat(again.read(e.getKey())).as("untouched caption of %s", e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        return t instanceof UserException && t.getMessage().contains(fileName) && !t.getMessage().contains("\n");
    }

    @Override
    public void close() throws Exception {
        Corpus.delete(scratch);
    }
}
