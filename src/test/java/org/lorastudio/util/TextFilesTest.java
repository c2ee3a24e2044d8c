package org.lorastudio.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorastudio.llm.PeftConfig;
import org.lorastudio.model.clip.ClipTextConfig;
import org.lorastudio.model.llama.LlamaConfig;
import org.lorastudio.model.vae.VaeConfig;

/**
 * A JSON config starting with '{' and three NUL bytes made Jackson guess UTF-32 and fail with an exception naming
 * no file (found by fuzzing the safetensors header). Every config reader now reads strict UTF-8 text first.
 */
class TextFilesTest {
    @TempDir
    Path dir;

    static Stream<Arguments> readers() {
        return Stream.of(
                Arguments.of("adapter_config.json", (Consumer<Path>) PeftConfig::read),
                Arguments.of("vae-config.json", (Consumer<Path>) VaeConfig::fromConfig),
                Arguments.of("llama-config.json", (Consumer<Path>) LlamaConfig::fromConfig),
                Arguments.of("clip-config.json", (Consumer<Path>) ClipTextConfig::fromConfig));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void aConfigThatLooksLikeUtf32GetsAPlainMessageNamingTheFile(String name, Consumer<Path> reader) throws Exception {
        Path file = Files.write(dir.resolve(name), new byte[] {'{', 0, 0, 0, '}'});

        assertThatThrownBy(() -> reader.accept(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readers")
    void invalidUtf8IsNamedAsSuch(String name, Consumer<Path> reader) throws Exception {
        Path file = Files.write(dir.resolve(name), new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}'});

        assertThatThrownBy(() -> reader.accept(file))
                .isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("UTF-8");
    }

    @org.junit.jupiter.api.Test
    void readsUtf8Text() throws Exception {
        Path file = Files.writeString(dir.resolve("a.json"), "{\"name\": \"ü\"}");

        assertThat(TextFiles.readUtf8(file)).isEqualTo("{\"name\": \"ü\"}");
    }
}
