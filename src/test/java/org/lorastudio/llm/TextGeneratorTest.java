package org.lorastudio.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorastudio.cli.GenerateTextCommand;
import org.lorastudio.demo.DemoLlmGenerator;
import org.lorastudio.lora.LoraLayer;
import org.lorastudio.lora.LoraNetwork;
import org.lorastudio.model.llama.LlamaForCausalLM;

import picocli.CommandLine;

/** Decoding on the demo model (random weights, byte tokenizer): cache, seeds, stop ids and the CLI. */
class TextGeneratorTest {
    static Path root;
    static Path model;
    static NDManager manager;
    static LlmTokenizer tok;
    static LlamaForCausalLM lm;

    @BeforeAll
    static void setUp() throws Exception {
        root = Files.createTempDirectory("gen");
        model = root.resolve("model");
        DemoLlmGenerator.writeModel(model, DemoLlmGenerator.DEFAULT_SEED);
        manager = NDManager.newBaseManager();
        tok = LlmTokenizer.fromFolder(model);
        lm = LlamaForCausalLM.fromPretrained(model, manager);
    }

    @AfterAll
    static void tearDown() {
        tok.close();
        manager.close();
    }

    @Test
    void kvCacheGivesTheSameGreedyTokensAsFullRecompute() {
        TextGenerator.Settings s = TextGenerator.Settings.greedy(12);
        TextGenerator.Result cached = new TextGenerator(lm, tok).withStopIds(Set.of()).generate("Hello", s, manager);
        TextGenerator.Result full = new TextGenerator(lm, tok).withStopIds(Set.of()).withoutCache()
                .generate("Hello", s, manager);
        assertThat(cached.newTokens()).hasSize(12).containsExactly(full.newTokens());
        assertThat(cached.promptTokens()).isEqualTo(6);
        assertThat(cached.stoppedAtEos()).isFalse();
    }

    @Test
    void samplingIsReproducibleForASeed() {
        TextGenerator g = new TextGenerator(lm, tok).withStopIds(Set.of());
        TextGenerator.Settings s = new TextGenerator.Settings(10, 1.0, 0.9, 42);
        long[] a = g.generate("Hi", s, manager).newTokens();
        long[] b = g.generate("Hi", s, manager).newTokens();
        long[] c = g.generate("Hi", new TextGenerator.Settings(10, 1.0, 0.9, 43), manager).newTokens();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void generationStopsAtAStopId() {
        TextGenerator.Settings s = TextGenerator.Settings.greedy(12);
        long[] free = new TextGenerator(lm, tok).withStopIds(Set.of()).generate("Hello", s, manager).newTokens();
        TextGenerator.Result r = new TextGenerator(lm, tok).withStopIds(Set.of(free[2])).generate("Hello", s, manager);
        int first = 0;
        while (free[first] != free[2]) {
            first++;
        }
        assertThat(r.stoppedAtEos()).isTrue();
        assertThat(r.newTokens()).hasSize(first + 1);
        assertThat(new TextGenerator(lm, tok).stopIds()).containsExactly(2L);
    }

    @Test
    void aListenerSeesEveryTokenAndCanStopTheAnswer() {
        TextGenerator g = new TextGenerator(lm, tok).withStopIds(Set.of());
        TextGenerator.Settings s = TextGenerator.Settings.greedy(10);
        long[] all = g.generate("Hello", s, manager).newTokens();
        List<long[]> seen = new java.util.ArrayList<>();
        TextGenerator.Result cut = g.generate("Hello", s, manager, ids -> {
            seen.add(ids);
            return ids.length < 3;
        });
        assertThat(seen).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(seen.get(i)).containsExactly(java.util.Arrays.copyOf(all, i + 1));
        }
        assertThat(cut.newTokens()).containsExactly(java.util.Arrays.copyOf(all, 3));
        assertThat(cut.stoppedAtEos()).isFalse();
        assertThat(cut.text()).isEqualTo(tok.decode(java.util.Arrays.copyOf(all, 3)));
    }

    @Test
    void topPKeepsTheNucleusAndGreedyIsArgMax() {
        float[] logits = {0f, 5f, 1f, 4.9f};
        assertThat(TextGenerator.argMax(logits)).isEqualTo(1);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            assertThat(TextGenerator.sample(logits, 1.0, 1e-6, r)).isEqualTo(1);
            assertThat(TextGenerator.sample(logits, 1.0, 0.9, r)).isIn(1, 3);
        }
    }

    @Test
    void cliPrintsBaseAndAdaptedAnswers() throws Exception {
        Path adapter = root.resolve("adapter");
        PeftConfig cfg = new PeftConfig(4, 8, List.of("q_proj", "v_proj", "o_proj"), Optional.empty(), 0, false,
                "CAUSAL_LM", Optional.of("demo"));
        try (NDManager m = manager.newSubManager()) {
            LoraNetwork net = PeftAdapter.create(lm, cfg, m, new Random(5));
            Random r = new Random(6);
            for (LoraLayer l : net.layers().values()) {
                float[] up = new float[Math.toIntExact(l.up().size())];
                for (int i = 0; i < up.length; i++) {
                    up[i] = (float) r.nextGaussian();
                }
                l.up().set(up);
            }
            PeftAdapter.write(net, adapter, cfg);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new GenerateTextCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("--model", model.toString(), "--adapter", adapter.toString(), "--compare",
                "--prompt", "Convert 2 hours to minutes.", "--max-new-tokens", "8");
        assertThat(rc).as(err.toString()).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("--- base ---");
        assertThat(out.toString()).contains("--- adapted (adapter) ---");
        assertThat(err.toString()).contains("new tokens in");

        StringWriter out2 = new StringWriter();
        CommandLine plain = new CommandLine(new GenerateTextCommand());
        plain.setOut(new PrintWriter(out2));
        plain.setErr(new PrintWriter(new StringWriter()));
        assertThat(plain.execute("--model", model.toString(), "--prompt", "x", "--template", "plain",
                "--max-new-tokens", "4", "--temperature", "0.8", "--top-p", "0.95", "--seed", "3")).isZero();
        assertThat(out2.toString()).doesNotContain("---");
    }
}
