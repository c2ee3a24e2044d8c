package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

/**
 * {@link ClipTokenizer#fromFolder} on hostile tokenizer files, as a downloaded model folder may hold. The first
 * input byte picks the file the rest replaces (even: {@code vocab.json}, odd: {@code merges.txt}); the other file
 * stays the fixture's. A tokenizer that loads must tokenize a few captions into ids that fit an embedding table
 * of one row per vocabulary entry.
 */
final class ClipFilesTarget implements FuzzTarget {
    private final Path dir;
    private final byte[] vocab;
    private final byte[] merges;

    ClipFilesTarget() throws IOException {
        Path fixture = Fixtures.path("sd-tiny-a/model-diffusers/tokenizer");
        vocab = Files.readAllBytes(fixture.resolve("vocab.json"));
        merges = Files.readAllBytes(fixture.resolve("merges.txt"));
        dir = Corpus.scratch(name());
    }

    @Override
    public String name() {
        return "clip-files";
    }

    @Override
    public List<String> dictionary() {
        return List.of("\"<|startoftext|>\": ", "\"<|endoftext|>\": ", "#version: 0.2\n", "a b\n", "a  b\n", " \n",
                "a b c\n", "\": 1e10", "\": -1", "\": 2147483648", "\": \"x\"", "\": null", "[", "{", "\\u0000",
                "</w>", "\n");
    }

    @Override
    public String run(byte[] input) throws Exception {
        boolean mergesFile = input.length > 0 && (input[0] & 1) == 1;
        byte[] content = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        Files.write(dir.resolve("vocab.json"), mergesFile ? vocab : content);
        Files.write(dir.resolve("merges.txt"), mergesFile ? content : merges);
        ClipTokenizer t = ClipTokenizer.fromFolder(dir);
        for (String caption : List.of("a photo of a cat", "<|endoftext|> x", "ünï 中文 !!")) {
            for (int id : t.ids(caption)) {
                // every id must fit the embedding table (one row per vocabulary entry)
                assertThat(id).isBetween(0, t.vocabSize() - 1);
            }
            assertThat(t.encode(caption)).hasSize(ClipTokenizer.CONTEXT_LENGTH);
        }
        return "accepted";
    }

    @Override
    public boolean isClearRejection(Throwable t) {
        return t instanceof UserException && (t.getMessage().contains("vocab.json")
                || t.getMessage().contains("merges.txt"));
    }

    @Override
    public void close() throws Exception {
        Corpus.delete(dir);
    }
}
