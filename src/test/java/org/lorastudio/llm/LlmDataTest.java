package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.PromptTemplate;

/** Reading, templating, masking, truncation and batching of instruction data, with a byte-level tokenizer. */
class LlmDataTest {
    static Path tokDir;
    static LlmTokenizer tok;

    @TempDir
    Path dir;

    @BeforeAll
    static void tokenizer() throws Exception {
        tokDir = Files.createTempDirectory("tok");
        ByteLevelTokenizerFiles.writeLlamaLike(tokDir, 1024);
        tok = LlmTokenizer.fromFolder(tokDir);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    /** Byte-level ids of text (id = 3 + byte). */
    static long[] bytes(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long[] out = new long[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = 3 + (b[i] & 0xFF);
        }
        return out;
    }

    @Test
    void alpacaTemplateIsStanfordVerbatim() {
        assertThat(PromptTemplates.prompt(PromptTemplate.ALPACA, "Add.", "2 and 3", "")).isEqualTo(
                "Below is an instruction that describes a task, paired with an input that provides further context. "
                        + "Write a response that appropriately completes the request.\n\n### Instruction:\nAdd.\n\n"
                        + "### Input:\n2 and 3\n\n### Response:\n");
        assertThat(PromptTemplates.prompt(PromptTemplate.ALPACA, "Say hi.")).isEqualTo(
                "Below is an instruction that describes a task. Write a response that appropriately completes the "
                        + "request.\n\n### Instruction:\nSay hi.\n\n### Response:\n");
    }

    @Test
    void onlyResponseTokensAndEosCarryLabels() {
        LlmExampleEncoder enc = new LlmExampleEncoder(tok, PromptTemplate.ALPACA, 1024, false);
        LlmExample.Instruction ex = new LlmExample.Instruction("Capital of France?", "", "Paris", "", "t:1");
        TokenizedExample t = enc.encode(ex);
        String prompt = PromptTemplates.prompt(PromptTemplate.ALPACA, "Capital of France?");
        long[] ids = t.inputIds();
        long[] labels = t.labels();
        int p = 1 + prompt.length(); // BOS + one token per ASCII byte
        assertThat(ids[0]).isEqualTo(1);
        assertThat(ids).hasSize(p + 5 + 1);
        for (int i = 0; i < p; i++) {
            assertThat(labels[i]).as("prompt position %d", i).isEqualTo(-100);
        }
        long[] response = java.util.Arrays.copyOfRange(labels, p, labels.length);
        long[] expected = java.util.Arrays.copyOf(bytes("Paris"), 6);
        expected[5] = 2; // EOS
        assertThat(response).containsExactly(expected);
        assertThat(t.trainedTokens()).isEqualTo(6);
        assertThat(t.truncated()).isFalse();
    }

    @Test
    void trainOnInputsLabelsEveryToken() {
        LlmExampleEncoder enc = new LlmExampleEncoder(tok, PromptTemplate.PLAIN, 1024, true);
        TokenizedExample t = enc.encode(new LlmExample.Instruction("Q", "", "A", "", "t:1"));
        assertThat(t.labels()).containsExactly(t.inputIds());
        assertThat(t.inputIds()).containsExactly(1, 3 + 'Q', 3 + '\n', 3 + '\n', 3 + 'A', 2);
    }

    @Test
    void longExamplesAreCutAndCounted() {
        LlmExampleEncoder enc = new LlmExampleEncoder(tok, PromptTemplate.PLAIN, 16, false);
        LlmExampleEncoder.Encoded e = enc.encodeAll(List.of(
                new LlmExample.Instruction("short", "", "ok", "", "a:1"),
                new LlmExample.Instruction("tell", "", "a long answer that does not fit", "", "a:2"),
                new LlmExample.Instruction("a prompt that alone is far too long", "", "x", "", "a:3")));
        assertThat(e.truncated()).isEqualTo(2);
        assertThat(e.withoutTrainedTokens()).isEqualTo(1);
        assertThat(e.examples().get(1).length()).isEqualTo(16);
        assertThat(e.examples().get(1).trainedTokens()).isEqualTo(16 - 1 - "tell\n\n".length());
        assertThat(e.examples().get(0).truncated()).isFalse();
    }

    @Test
    void batchesArePaddedRightWithMaskAndIgnoredLabels() {
        LlmExampleEncoder enc = new LlmExampleEncoder(tok, PromptTemplate.PLAIN, 64, false);
        TokenizedExample a = enc.encode(new LlmExample.Instruction("Q", "", "A", "", "a:1"));
        TokenizedExample b = enc.encode(new LlmExample.Instruction("Qqq", "", "AAA", "", "a:2"));
        LlmBatch batch = LlmBatch.collate(List.of(a, b), tok.padId());
        assertThat(batch.batchSize()).isEqualTo(2);
        assertThat(batch.length()).isEqualTo(b.length());
        int t = batch.length();
        assertThat(java.util.Arrays.copyOfRange(batch.inputIds(), a.length(), t)).containsOnly(0L);
        assertThat(java.util.Arrays.copyOfRange(batch.labels(), a.length(), t)).containsOnly(-100L);
        assertThat(java.util.Arrays.copyOfRange(batch.attentionMask(), 0, t))
                .containsExactly(mask(a.length(), t));
        assertThat(batch.trainedTokens()).isEqualTo(a.trainedTokens() + b.trainedTokens());
    }

    private static long[] mask(int ones, int t) {
        long[] m = new long[t];
        java.util.Arrays.fill(m, 0, ones, 1);
        return m;
    }

    @Test
    void messagesTrainOnAssistantTurnsOnly() throws Exception {
        Path f = dir.resolve("chat.jsonl");
        Files.writeString(f, "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
                + " {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"},"
                + " {\"role\": \"user\", \"content\": \"Bye\"}, {\"role\": \"assistant\", \"content\": \"Ciao\"}]}\n");
        LlmData data = LlmDataReader.read(f);
        assertThat(data.problems()).isEmpty();
        TokenizedExample t = new LlmExampleEncoder(tok, PromptTemplate.ALPACA, 1024, false)
                .encode(data.examples().get(0));
        StringBuilder trained = new StringBuilder();
        long[] labels = t.labels();
        for (long l : labels) {
            if (l != -100) {
                trained.append(l == 2 ? "|" : String.valueOf((char) (l - 3)));
            }
        }
        assertThat(trained.toString()).isEqualTo("Hello|Ciao|");
    }

    @Test
    void readerHandlesEveryFormatAndReportsBadLinesByNumber() throws Exception {
        Path jsonl = dir.resolve("d.jsonl");
        Files.writeString(jsonl, String.join("\n",
                "{\"instruction\": \"a\", \"input\": \"\", \"output\": \"b\"}",
                "",
                "{not json",
                "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"r\"}]}",
                "{\"prompt\": \"x\"}",
                "{\"instruction\": 3, \"output\": \"y\"}",
                "{\"text\": \"a document\"}"));
        LlmData d = LlmDataReader.read(jsonl);
        assertThat(d.examples()).hasSize(3);
        assertThat(d.examples().get(1)).isInstanceOf(LlmExample.Chat.class);
        assertThat(d.problems()).extracting(LlmDataProblem::where)
                .containsExactly("d.jsonl:3", "d.jsonl:5", "d.jsonl:6");
        assertThat(d.hasErrors()).isTrue();

        Path json = dir.resolve("d.json");
        Files.writeString(json, "[\n {\"instruction\": \"a\", \"output\": \"b\"},\n {\"instruction\": \"c\"}\n]");
        LlmData j = LlmDataReader.read(json);
        assertThat(j.examples()).hasSize(1);
        assertThat(j.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo("d.json:3");
            assertThat(p.message()).contains("output");
        });

        Path txt = dir.resolve("d.txt");
        Files.writeString(txt, "first doc\nline two\n\n\nsecond doc\n");
        assertThat(LlmDataReader.read(txt).examples()).extracting(e -> ((LlmExample.Text) e).text())
                .containsExactly("first doc\nline two", "second doc");
    }

    @Test
    void checkerFindsEmptyOutputsDuplicatesAndLongExamples() throws Exception {
        Path f = dir.resolve("c.jsonl");
        List<String> lines = new ArrayList<>();
        lines.add("{\"instruction\": \"a\", \"output\": \"b\"}");
        lines.add("{\"instruction\": \"a\", \"output\": \"b\"}");
        lines.add("{\"instruction\": \"e\", \"output\": \"\"}");
        lines.add("{\"instruction\": \"" + "x".repeat(300) + "\", \"output\": \"b\"}");
        lines.add("{\"instruction\": \"q\", \"output\": \"" + "y".repeat(300) + "\"}");
        lines.add("oops");
        lines.add("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        Files.writeString(f, String.join("\n", lines));
        LlmDataChecker.Report r = LlmDataChecker.check(f, tok, PromptTemplate.ALPACA, 256);
        assertThat(r.examples()).isEqualTo(6);
        assertThat(r.problems()).extracting(p -> p.kind() + "@" + p.where()).containsExactly(
                "MALFORMED@c.jsonl:6", "NO_RESPONSE@c.jsonl:7", "DUPLICATE@c.jsonl:2", "EMPTY_OUTPUT@c.jsonl:3",
                "RESPONSE_CUT@c.jsonl:4", "TOO_LONG@c.jsonl:5");
        assertThat(r.hasErrors()).isTrue();
        assertThat(r.truncated()).contains(2);
        assertThat(r.lines().get(0)).isEqualTo("c.jsonl: 6 examples (jsonl), 2 errors, 4 warnings");
        assertThat(r.lines()).anyMatch(l -> l.startsWith("ERROR  c.jsonl:6: not valid JSON"));
        assertThat(LlmDataChecker.check(f).truncated()).isEmpty();
        assertThat(LlmDataChecker.checkFile(f, java.util.Optional.of(tokDir), PromptTemplate.ALPACA, 256).problems())
                .isEqualTo(r.problems());
    }
}
