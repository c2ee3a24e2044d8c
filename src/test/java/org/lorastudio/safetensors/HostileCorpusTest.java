package org.lorastudio.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed hostile corpus is refused file by file, and the legal edge cases are accepted. */
class HostileCorpusTest {
    static Path corpus(String folder) {
        try {
            return Path.of(HostileCorpusTest.class.getResource("/safetensors/" + folder).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<HostileCorpus.Case> hostileCases() {
        return HostileCorpus.hostile().stream();
    }

    @Test
    void committedFilesEqualWhatTheGeneratorWrites() throws IOException {
        for (String folder : List.of("hostile", "valid")) {
            List<HostileCorpus.Case> cases = folder.equals("hostile") ? HostileCorpus.hostile() : HostileCorpus.valid();
            try (Stream<Path> files = Files.list(corpus(folder))) {
                assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
                        .as(folder + " folder content")
                        .isEqualTo(cases.stream().map(HostileCorpus.Case::file).collect(Collectors.toSet()));
            }
            for (HostileCorpus.Case c : cases) {
                assertThat(Files.readAllBytes(corpus(folder).resolve(c.file()))).as(c.file()).isEqualTo(c.bytes());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileCases")
    void readerRejectsHostileFileWithOneLineNamingFileTensorAndProblem(HostileCorpus.Case c) {
        Path file = corpus("hostile").resolve(c.file());
        assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(SafetensorsException.class)
                .message()
                .startsWith(c.file() + ": ")
                .contains(c.fragments())
                .doesNotContain("\n", "\r", "\u001b");
    }

    @Test
    void readerAcceptsZeroDimensionalScalar() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("scalar-0d.safetensors"))) {
            assertThat(f.info("alpha").rank()).isZero();
            assertThat(f.info("alpha").numel()).isEqualTo(1);
            assertThat(f.readFloats("alpha")).containsExactly(2.5f);
            assertThat(f.parameterCount()).isEqualTo(1);
        }
    }

    @Test
    void readerAcceptsEmptyTensorsSharingAnOffset() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("empty-tensor.safetensors"))) {
            assertThat(f.info("e").shape()).containsExactly(0, 3);
            assertThat(f.info("e").byteSize()).isZero();
            assertThat(f.readFloats("e")).isEmpty();
            assertThat(f.readLongs("z")).isEmpty();
            assertThat(f.map("e").remaining()).isZero();
            assertThat(f.readFloats("a")).containsExactly(7f);
            assertThat(f.parameterCount()).isEqualTo(1);
        }
    }

    @Test
    void readerAcceptsHeaderWithoutTensors() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("no-tensors.safetensors"))) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata()).isEmpty();
            assertThat(f.parameterCount()).isZero();
            assertThat(f.dataSize()).isZero();
        }
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("metadata-only.safetensors"))) {
            assertThat(f.tensors()).isEmpty();
            assertThat(f.metadata()).containsExactly(java.util.Map.entry("format", "pt"));
        }
    }

    @Test
    void readerAcceptsHeaderPaddedWithSpaces() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("header-space-padded.safetensors"))) {
            assertThat(f.headerSize() % 8).isZero();
            assertThat(f.readFloats("a")).containsExactly(1f);
        }
    }

    @Test
    void readerAcceptsKeysInAnyJsonOrder() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("any-order.safetensors"))) {
            assertThat(f.tensors().keySet()).containsExactly("b", "a"); // header order is kept
            assertThat(f.readFloats("a")).containsExactly(1f);
            assertThat(f.readFloats("b")).containsExactly(2f);
            assertThat(f.metadata()).containsEntry("k", "v");
        }
    }

    @Test
    void readerIgnoresUnknownEntryFieldsLikeTheReference() throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(corpus("valid").resolve("extra-entry-field.safetensors"))) {
            assertThat(f.readFloats("a")).containsExactly(3f);
        }
    }
}
