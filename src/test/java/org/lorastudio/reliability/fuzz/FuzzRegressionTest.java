package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.ConfigLoader;
import org.lorastudio.config.ConfigReport;
import org.lorastudio.config.ConfigWriter;
import org.lorastudio.config.LoadedConfig;
import org.lorastudio.lora.LoraFile;
import org.lorastudio.model.clip.ClipTokenizer;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsException;
import org.lorastudio.safetensors.SafetensorsFile;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

/**
 * Replays every committed corpus file (seeds and the inputs of past findings under {@code regressions/}) one test
 * per file, and pins the specific outcome of each finding that was fixed in the product.
 */
class FuzzRegressionTest {
    private static final List<Callable<FuzzTarget>> TARGETS = List.of(SafetensorsTarget::new, LoraTarget::new,
            ConfigTarget::new, () -> new MetadataTarget("csv"), () -> new MetadataTarget("jsonl"),
            ClipTokenizerTarget::new, ClipFilesTarget::new);

    @TestFactory
    Stream<DynamicTest> everyCorpusFileIsAcceptedOrClearlyRejected() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Callable<FuzzTarget> make : TARGETS) {
            String name;
            try (FuzzTarget probe = make.call()) {
                name = probe.name();
            }
            for (Path file : Corpus.files(name)) {
                tests.add(DynamicTest.dynamicTest(name + "/" + Corpus.folder(name).relativize(file), () -> {
                    try (FuzzTarget target = make.call()) {
                        try {
                            assertThat(target.run(Files.readAllBytes(file))).isNotBlank();
                        } catch (AssertionError e) {
                            throw e;
                        } catch (Throwable t) {
                            if (!target.isClearRejection(t)) {
                                throw new AssertionError("not a clear rejection: " + t, t);
                            }
                        }
                    }
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(60);
        return tests.stream();
    }

    /** Jackson guessed UTF-32 from a header starting with '{' and three NULs and threw a CharConversionException. */
    @Test
    void headerThatLooksLikeUtf32IsInvalidJsonNotACrash() throws Exception {
        Path file = Corpus.folder("safetensors").resolve("regressions/utf32-detected-header.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(file).close())
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("utf32-detected-header.safetensors: header is not valid JSON");
    }

    /** Files.readAllLines threw an UncheckedIOException (a stack trace) for a merges.txt that is not UTF-8. */
    @Test
    void mergesFileThatIsNotUtf8IsAClearError(@TempDir Path dir) throws Exception {
        Path fixture = Fixtures.path("sd-tiny-a/model-diffusers/tokenizer");
        Files.copy(fixture.resolve("vocab.json"), dir.resolve("vocab.json"));
        Files.write(dir.resolve("merges.txt"), new byte[] {'#', 'v', '\n', 'a', ' ', (byte) 0xFF, '\n'});
        assertThatThrownBy(() -> ClipTokenizer.fromFolder(dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("merges.txt is not valid UTF-8");
    }

    /** The same UTF-32 guess in vocab.json gave an UncheckedIOException (found by the 100,000-input run). */
    @Test
    void vocabThatLooksLikeUtf32IsAClearError(@TempDir Path dir) throws Exception {
        Path fixture = Fixtures.path("sd-tiny-a/model-diffusers/tokenizer");
        Files.copy(fixture.resolve("merges.txt"), dir.resolve("merges.txt"));
        Files.write(dir.resolve("vocab.json"), new byte[] {'{', 0, 0, 0, '"', 'a', '"', ':', '1', '}'});
        assertThatThrownBy(() -> ClipTokenizer.fromFolder(dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("vocab.json is not valid JSON");
    }

    /** An id past the vocabulary would index past the text encoder's embedding table at the first prompt. */
    @Test
    void vocabIdOutsideTheTableIsRefused(@TempDir Path dir) throws Exception {
        Path fixture = Fixtures.path("sd-tiny-a/model-diffusers/tokenizer");
        Files.copy(fixture.resolve("merges.txt"), dir.resolve("merges.txt"));
        Files.writeString(dir.resolve("vocab.json"), Files.readString(fixture.resolve("vocab.json"))
                .replace("\"!\": 0,", "\"!\": 999999,"));
        assertThatThrownBy(() -> ClipTokenizer.fromFolder(dir))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("vocab.json: token '!' has id 999999; ids must be 0..773");
    }

    /**
     * Configs the fuzzer found changing on save: a name with a line separator broke the header comment, and prompts
     * with ESC or BEL came back as base64 ({@code !!binary}). Each must load, save and load again unchanged.
     */
    @Test
    void configsThatChangedOnSaveNowSurviveIt() throws Exception {
        Path dir = Corpus.folder("config").resolve("regressions");
        for (String name : List.of("name-with-line-separator.yaml", "prompt-with-escape-char.yaml",
                "prompt-with-bell-char.yaml", "name-ends-in-ideographic-space.yaml")) {
            LoadedConfig loaded = ConfigLoader.load(dir.resolve(name));
            // saved next to the original, as the studio's save does, so relative paths stay as written
            LoadedConfig again = ConfigLoader.load(ConfigWriter.toYaml(loaded.config(), dir), "saved.yaml", dir,
                    List.of());
            assertThat(again.config()).as(name).isEqualTo(loaded.config());
        }
    }

    /** SnakeYAML 2.3 threw IndexOutOfBoundsException when a surrogate pair straddled its 1024-char buffer. */
    @Test
    void emojiAtTheParserBufferBoundaryIsRead(@TempDir Path dir) throws Exception {
        String head = "name: x\nbase_model: m.safetensors\ntrain_data_dir: data\nsample_prompts:\n  - \"";
        for (int pad = 1015; pad <= 1030; pad++) {
            String prompt = "a".repeat(pad - head.length()) + "\uD83D\uDE00 cat";
            LoadedConfig c = ConfigLoader.load(head + prompt + "\"\n", "emoji.yaml", dir, List.of());
            assertThat(c.config().samplePrompts()).containsExactly(prompt);
        }
        ConfigReport report = ConfigLoader.check(Corpus.folder("config")
                .resolve("regressions/surrogate-pair-at-1024.yaml"), List.of());
        assertThat(report.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.text()).isNotBlank());
    }

    /** Saving dropped a trailing U+3000 (stripTrailing() treats it as white space; YAML does not). */
    @Test
    void savedConfigKeepsATrailingIdeographicSpace(@TempDir Path dir) throws Exception {
        Path file = Corpus.folder("config").resolve("regressions/name-ends-in-ideographic-space.yaml");
        LoadedConfig loaded = ConfigLoader.load(file);
        assertThat(loaded.config().name()).endsWith("\u3000");
        LoadedConfig again = ConfigLoader.load(ConfigWriter.toYaml(loaded.config(), dir), "saved.yaml", dir,
                List.of());
        assertThat(again.config().name()).isEqualTo(loaded.config().name());
    }

    /** LoRA refusals printed tensor names raw, so a name with a line break split the message (100,000-input run). */
    @Test
    void loraRefusalWithALineBreakInATensorNameStaysOnOneLine() throws Exception {
        Path file = Corpus.folder("lora").resolve("regressions/newline-in-tensor-name.safetensors");
        assertThatThrownBy(() -> LoraFile.read(file)).isInstanceOf(UserException.class)
                .hasMessageStartingWith("newline-in-tensor-name.safetensors: 1 tensors are not LoRA weights")
                .hasMessageContaining("self_at\\u000A.q_proj")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void loraWithTwoSpellingsOfOneWeightIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two-downs.safetensors");
        String m = "unet.down_blocks.0.attentions.0.proj_in";
        new SafetensorsWriter()
                .addFloats(m + ".lora_A.weight", new long[] {1, 2}, new float[2], DType.F32)
                .addFloats(m + ".lora.down.weight", new long[] {1, 2}, new float[2], DType.F32)
                .addFloats(m + ".lora_B.weight", new long[] {2, 1}, new float[2], DType.F32)
                .write(file);
        assertThatThrownBy(() -> LoraFile.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("two-downs.safetensors: module")
                .hasMessageContaining("has two down (A) tensors");
    }

    @Test
    void loraWithRankZeroOrAVectorAlphaIsRefused(@TempDir Path dir) throws Exception {
        String k = "lora_unet_conv_in";
        Path rank0 = dir.resolve("rank0.safetensors");
        new SafetensorsWriter()
                .addFloats(k + ".lora_down.weight", new long[] {0, 4}, new float[0], DType.F32)
                .addFloats(k + ".lora_up.weight", new long[] {4, 0}, new float[0], DType.F32)
                .write(rank0);
        assertThatThrownBy(() -> LoraFile.read(rank0)).isInstanceOf(UserException.class)
                .hasMessageContaining("rank must be 1..65536");
        Path alphas = dir.resolve("alphas.safetensors");
        new SafetensorsWriter()
                .addFloats(k + ".lora_down.weight", new long[] {1, 4}, new float[4], DType.F32)
                .addFloats(k + ".lora_up.weight", new long[] {4, 1}, new float[4], DType.F32)
                .addFloats(k + ".alpha", new long[] {2}, new float[] {1, 2}, DType.F32)
                .write(alphas);
        assertThatThrownBy(() -> LoraFile.read(alphas)).isInstanceOf(UserException.class)
                .hasMessageContaining("'" + k + ".alpha' must be one finite number, found 2 values");
    }
}
