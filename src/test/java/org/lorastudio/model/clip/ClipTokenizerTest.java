package org.lorastudio.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class ClipTokenizerTest {
    private static ClipTokenizer tokenizer;
    private static JsonNode reference;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = ClipTokenizer.fromFolder(Fixtures.path("sd-tiny-a/model-diffusers/tokenizer"));
        reference = new ObjectMapper().readTree(Fixtures.path("sd-tiny-a/reference.json").toFile()).get("tokenizer");
    }

    private static List<String> prompts() {
        List<String> out = new ArrayList<>();
        reference.get("prompts").forEach(p -> out.add(p.asText()));
        return out;
    }

    @Test
    @Tag("parity")
    void paddedIdsOfAllPromptsEqualTransformers() throws IOException {
        long[] expected;
        try (SafetensorsFile ref = Fixtures.open("sd-tiny-a/reference.safetensors")) {
            expected = ref.readLongs("tok.input_ids");
        }
        List<String> prompts = prompts();
        assertThat(expected).hasSize(prompts.size() * ClipTokenizer.CONTEXT_LENGTH);
        for (int i = 0; i < prompts.size(); i++) {
            long[] row = Arrays.copyOfRange(expected, i * 77, (i + 1) * 77);
            assertThat(tokenizer.encode(prompts.get(i))).as("prompt %d", i).containsExactly(row);
        }
    }

    @Test
    @Tag("parity")
    void untruncatedIdsAndPiecesEqualTransformers() {
        List<String> prompts = prompts();
        for (int i = 0; i < prompts.size(); i++) {
            long[] ids = new long[reference.get("untruncated_ids").get(i).size()];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = reference.get("untruncated_ids").get(i).get(j).asLong();
            }
            List<String> pieces = new ArrayList<>();
            reference.get("bpe_pieces").get(i).forEach(p -> pieces.add(p.asText()));
            assertThat(tokenizer.encodeUntruncated(prompts.get(i))).as("prompt %d", i).containsExactly(ids);
            assertThat(tokenizer.tokenize(prompts.get(i))).as("prompt %d", i).containsExactlyElementsOf(pieces);
            assertThat(tokenizer.countTokens(prompts.get(i))).isEqualTo(pieces.size());
        }
    }

    @Test
    void specialIdsComeFromTheVocabularyAndPadIsEos() {
        assertThat(tokenizer.bosId()).isEqualTo(772);
        assertThat(tokenizer.eosId()).isEqualTo(773);
        assertThat(tokenizer.padId()).isEqualTo(773);
        assertThat(tokenizer.vocabSize()).isEqualTo(774);
    }

    @Test
    void longPromptIsCutToSeventyFiveTokensBetweenBosAndEos() {
        String prompt = prompts().get(2);
        long[] full = tokenizer.encodeUntruncated(prompt);
        long[] ids = tokenizer.encode(prompt);
        assertThat(full.length).isGreaterThan(77);
        assertThat(Arrays.copyOfRange(ids, 0, 76)).containsExactly(Arrays.copyOfRange(full, 0, 76));
        assertThat(ids[76]).isEqualTo(773);
    }

    @Test
    void whitespaceAndCaseAreNormalised() {
        assertThat(tokenizer.encode("  A   RED\tsquare\n")).containsExactly(tokenizer.encode("a red square"));
        assertThat(ClipTokenizer.normalize("  Hello\u00a0 WORLD\u0007 ")).isEqualTo("hello world");
    }

    @Test
    void digitsAreSingleTokens() {
        assertThat(tokenizer.tokenize("1024")).containsExactly("1</w>", "0</w>", "2</w>", "4</w>");
    }

    @Test
    void byteTableIsGpt2s() {
        char[] t = ClipTokenizer.bytesToUnicode();
        assertThat(t['!']).isEqualTo('!');
        assertThat(t[0]).isEqualTo((char) 256);
        assertThat(t[' ']).isEqualTo((char) (256 + 32));
        assertThat(t[173]).isEqualTo((char) 323);
        assertThat(new String(t).chars().distinct().count()).isEqualTo(256);
    }

    @Test
    void missingMergesFileIsNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{}");
        assertThatThrownBy(() -> ClipTokenizer.fromFolder(dir))
                .isInstanceOf(UserException.class).hasMessageContaining("merges.txt");
    }

    @Test
    void vocabularyWithoutSpecialTokensIsRejected() {
        assertThatThrownBy(() -> new ClipTokenizer(Map.of("a", 0), List.of(), "<|endoftext|>"))
                .isInstanceOf(UserException.class).hasMessageContaining("<|startoftext|>");
    }
}
