package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class LlmTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void byteLevelTokenizerEncodesEveryByteAndAddsBosPerConfig() throws Exception {
        ByteLevelTokenizerFiles.writeLlamaLike(dir, 256);
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThat(t.bosId()).hasValue(1);
            assertThat(t.eosId()).hasValue(2);
            assertThat(t.padId()).isEqualTo(0);
            String text = "Hi é\n";
            byte[] utf8 = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            long[] plain = t.encode(text, false);
            assertThat(plain).hasSize(utf8.length);
            for (int i = 0; i < utf8.length; i++) {
                assertThat(plain[i]).isEqualTo(3 + (utf8[i] & 0xFF));
            }
            long[] withBos = t.encode(text);
            assertThat(withBos[0]).isEqualTo(1);
            assertThat(withBos).hasSize(utf8.length + 1);
            assertThat(t.decode(withBos)).isEqualTo(text);
            assertThat(t.encode("a</s>", false)).containsExactly(3 + 'a', 2);
            assertThat(t.decode(new long[] {3 + 'o', 3 + 'k', 2}, false)).isEqualTo("ok</s>");
            assertThat(t.stopIds()).containsExactly(2L);
        }
    }

    @Test
    void addBosTokenFalseInConfigWins() throws Exception {
        ByteLevelTokenizerFiles.writeLlamaLike(dir, 256);
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"add_bos_token\": false, \"bos_token\": \"<s>\", \"eos_token\": {\"content\": \"</s>\"}}");
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThat(t.encode("ab")).containsExactly(3 + 'a', 3 + 'b');
            assertThat(t.prefixIds()).isEmpty();
            assertThat(t.eosId()).hasValue(2);
            assertThat(t.padId()).isEqualTo(2); // no pad token: EOS pads
        }
    }

    @Test
    void withoutConfigThePostProcessorDecides() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), ByteLevelTokenizerFiles.tokenizerJson(
                ByteLevelTokenizerFiles.LLAMA_SPECIALS, "<s>"));
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThat(t.encode("a")).containsExactly(1, 3 + 'a');
            assertThat(t.bosId()).isEmpty(); // unknown without tokenizer_config; the post-processor still adds it
            assertThat(t.prefixIds()).containsExactly(1);
            assertThat(t.addsBos()).isTrue();
            TokenizedExample e = new LlmExampleEncoder(t, org.lorastudio.config.PromptTemplate.PLAIN, 64, false)
                    .encode(new LlmExample.Text("ab", "x"));
            assertThat(e.inputIds()).containsExactly(1, 3 + 'a', 3 + 'b'); // no eos_token known: none appended
        }
    }

    @Test
    void wordLevelTokenizerWrittenByHandLoads() throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [{"id": 0, "content": "<unk>", "single_word": false, "lstrip": false,
                                   "rstrip": false, "normalized": false, "special": true}],
                 "normalizer": {"type": "Lowercase"},
                 "pre_tokenizer": {"type": "Whitespace"},
                 "post_processor": null, "decoder": null,
                 "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "hello": 1, "world": 2},
                           "unk_token": "<unk>"}}
                """);
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThat(t.encode("Hello brave world")).containsExactly(1, 0, 2);
        }
    }

    @Test
    void chatTemplatesAreRecognisedOrRefusedClearly() throws Exception {
        ByteLevelTokenizerFiles.writeLlamaLike(dir, 256);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{% for m in messages %}"
                + "<|im_start|>{{ m.role }}\\n{{ m.content }}<|im_end|>\\n{% endfor %}\"}");
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThat(t.chatFormat()).contains(ChatFormat.CHATML);
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"[INST] {{ x }} [/INST]\"}");
        try (LlmTokenizer t = LlmTokenizer.fromFolder(dir)) {
            assertThatThrownBy(t::chatFormat).isInstanceOf(UserException.class).hasMessageContaining("alpaca");
        }
    }

    @Test
    void missingTokenizerJsonIsAClearError() {
        assertThatThrownBy(() -> LlmTokenizer.fromFolder(dir)).isInstanceOf(UserException.class)
                .hasMessageContaining("tokenizer.json");
    }
}
