package org.lorastudio.reliability.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorastudio.config.ConfigWriter;
import org.lorastudio.dataset.CaptionStore;
import org.lorastudio.notes.NotesFile;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.UserException;

/**
 * Issue 9 item 3, the file-write part: on a full disk and on a read-only one, every save the studio offers (a
 * caption in a {@code .txt}, in {@code metadata.csv} and {@code metadata.jsonl}, a new caption file,
 * {@code notes.md}, a config) fails with one plain message that names the file and says what to do, keeps the
 * previous version byte for byte and leaves no temporary file; once there is room again the same save works.
 */
class FullAndReadOnlyDiskTest {
    private static final String NEW_TEXT = "an edited caption, long enough to need disk pages, ".repeat(160);

    @TempDir
    Path tmp;
    private TmpfsDisk disk;

    /** One kind of save: prepares its file on the disk and saves {@link #NEW_TEXT} into it. */
    interface Save {
        Path prepare(Path dir) throws Exception;

        void save(Path dir) throws Exception;
    }

    @BeforeEach
    void mount() throws Exception {
        disk = TmpfsDisk.mount(tmp.resolve("disk"), "256k");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    static Stream<Arguments> saves() {
        List<Arguments> out = new ArrayList<>();
        for (String fault : List.of("full", "read-only")) {
            out.add(Arguments.of(fault, "caption .txt", (Save) new TxtCaption("a.png")));
            out.add(Arguments.of(fault, "new caption .txt", (Save) new TxtCaption("b.png")));
            out.add(Arguments.of(fault, "metadata.csv", (Save) new Metadata("metadata.csv",
                    "file_name,text\na.png,\"old, caption\"\r\n")));
            out.add(Arguments.of(fault, "metadata.jsonl", (Save) new Metadata("metadata.jsonl",
                    "{\"file_name\": \"a.png\", \"text\": \"old caption\"}\n")));
            out.add(Arguments.of(fault, "notes.md", (Save) new Notes()));
            out.add(Arguments.of(fault, "config", (Save) new Config()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} on a {0} disk")
    @MethodSource("saves")
    void aFailedSaveNamesTheFileKeepsThePreviousVersionAndLeavesNoTemporaryFile(String fault, String what,
                                                                               Save save) throws Exception {
        Path dir = disk.dir().resolve("work");
        Files.createDirectories(dir);
        Path file = save.prepare(dir);
        Optional<byte[]> before = Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        List<Path> filesBefore = disk.files();
        if (fault.equals("full")) {
            disk.fill();
        } else {
            disk.remountReadOnly();
        }

        assertThatThrownBy(() -> save.save(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(fault.equals("full") ? "disk full while saving" : "read-only")
                .hasMessageContaining(before.isPresent() ? "the previous version is kept" : "nothing was written")
                .hasMessageContaining(fault.equals("full") ? "free some space and save again" : "make it writable")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\n"));
        if (before.isPresent()) {
            assertThat(Files.readAllBytes(file)).as("previous version of " + file).isEqualTo(before.get());
        } else {
            assertThat(file).doesNotExist();
        }
        assertThat(disk.files()).as("no temporary file left").containsExactlyInAnyOrderElementsOf(filesBefore);

        if (fault.equals("full")) {
            disk.free();
        } else {
            disk.remountWritable();
        }
        save.save(dir);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains(NEW_TEXT.strip());
    }

    private record TxtCaption(String image) implements Save {
        @Override
        public Path prepare(Path dir) throws Exception {
            Files.write(dir.resolve("a.png"), Pngs.tiny());
            Files.write(dir.resolve("b.png"), Pngs.tiny());
            Files.writeString(dir.resolve("a.txt"), "old caption\r\n", StandardCharsets.UTF_8);
            return dir.resolve(image.replace(".png", ".txt"));
        }

        @Override
        public void save(Path dir) throws Exception {
            CaptionStore.open(dir, Optional.empty()).write(dir.resolve(image), NEW_TEXT);
        }
    }

    private record Metadata(String name, String content) implements Save {
        @Override
        public Path prepare(Path dir) throws Exception {
            Files.write(dir.resolve("a.png"), Pngs.tiny());
            return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
        }

        @Override
        public void save(Path dir) throws Exception {
            CaptionStore.open(dir, Optional.empty()).write(dir.resolve("a.png"), NEW_TEXT);
        }
    }

    private record Notes() implements Save {
        @Override
        public Path prepare(Path dir) throws Exception {
            return RunFolder.create(dir.resolve("runs"), "full", "sd15", "name: full\n").notesFile();
        }

        @Override
        public void save(Path dir) throws Exception {
            Path run = prepareRunDir(dir);
            NotesFile.save(run, "# Notes\n\n" + NEW_TEXT, Files.readString(run.resolve("notes.md")));
        }

        private static Path prepareRunDir(Path dir) throws Exception {
            try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
                return s.filter(Files::isDirectory).findFirst().orElseThrow();
            }
        }
    }

    private record Config() implements Save {
        @Override
        public Path prepare(Path dir) throws Exception {
            return Files.writeString(dir.resolve("train.yaml"), "name: before\nlora_rank: 4\n");
        }

        @Override
        public void save(Path dir) throws Exception {
            ConfigWriter.saveText(dir.resolve("train.yaml"), "name: after\n# " + NEW_TEXT + "\n");
        }
    }
}
