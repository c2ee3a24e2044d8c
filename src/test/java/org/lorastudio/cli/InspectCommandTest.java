package org.lorastudio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorastudio.llm.PeftConfig;
import org.lorastudio.safetensors.DType;
import org.lorastudio.safetensors.SafetensorsWriter;
import org.lorastudio.testing.Fixtures;

class InspectCommandTest {
    private static final String KOHYA = "sd-tiny-a/lora-kohya.safetensors";

    @TempDir
    Path dir;

    /** What one CLI run printed. */
    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Result inspect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("inspect"), Stream.of(args)).toArray(String[]::new);
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), all);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void inspectListsEveryKohyaTensorSortedWithTotalsGuessAndMetadata() {
        Result r = inspect(Fixtures.path(KOHYA).toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> rows = r.out().lines().filter(l -> l.startsWith("lora_")).toList();
        assertThat(rows).hasSize(252);
        assertThat(rows.stream().filter(l -> l.contains(".lora_down.weight"))).hasSize(84);
        assertThat(rows.stream().filter(l -> l.contains(".lora_up.weight"))).hasSize(84);
        assertThat(rows.stream().filter(l -> l.contains(".alpha "))).hasSize(84);
        assertThat(rows).anyMatch(l -> l.matches(
                "lora_te_text_model_encoder_layers_0_mlp_fc1\\.lora_down\\.weight +F32 +\\[4, 32] +512 B"));
        List<String> names = rows.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
        assertThat(names).isSortedAccordingTo(InspectCommand::compareNatural);
        assertThat(rows.stream().map(l -> l.indexOf("F32"))).as("aligned dtype column").containsOnly(
                rows.get(0).indexOf("F32"));
        assertThat(r.out()).contains("Looks like: kohya LoRA, 84 modules, rank 4, alpha 2.0",
                "252 tensors, ", " parameters, ", "Metadata (5 entries):", "  ss_network_dim: 4",
                "  ss_network_alpha: 2.0", "  ss_network_module: networks.lora", "  ss_base_model_version: sd_v1",
                "  ss_v2: False");
    }

    @Test
    void inspectFilterMetadataOnlyAndNoMetadata() {
        String f = Fixtures.path(KOHYA).toString();
        Result filtered = inspect(f, "--filter", "MID_BLOCK", "--no-metadata");
        assertThat(filtered.code()).isZero();
        assertThat(filtered.out()).contains("of 252 tensors match 'MID_BLOCK'").doesNotContain("Metadata",
                "lora_te_");
        assertThat(filtered.out().lines().filter(l -> l.startsWith("lora_unet_mid_block"))).isNotEmpty();

        Result meta = inspect("--metadata-only", f);
        assertThat(meta.code()).isZero();
        assertThat(meta.out()).contains("ss_network_dim: 4").doesNotContain("lora_te_", "Looks like");

        Result both = inspect("--metadata-only", "--no-metadata", f);
        assertThat(both.code()).isNotZero();
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void inspectPrettyPrintsJsonMetadataAndCutsLongPlainValues() throws IOException {
        Path f = dir.resolve("tagged.safetensors");
        new SafetensorsWriter()
                .addFloats("w", new long[] {1}, new float[] {1}, DType.F32)
                .metadata("ss_tag_frequency", "{\"10_cat\": {\"cat\": 12, \"sitting\": 3}}")
                .metadata("ss_dataset_dirs", "{\"10_cat\": {\"n_repeats\": 10, \"img_count\": 20}}")
                .metadata("modelspec.thumbnail", "data:image/png;base64," + "A".repeat(5000))
                .metadata("ss_training_comment", "line one\nline two \u001b[31mred")
                .metadata("not_json", "{broken")
                .metadata("huge_json", "[" + "1,".repeat(InspectCommand.MAX_JSON_CHARS) + "1]")
                .metadata("deep_json", "[".repeat(1000) + "]".repeat(1000))
                .write(f);
        Result r = inspect(f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains(String.join("\n",
                "  ss_tag_frequency:",
                "      {",
                "        \"10_cat\": {",
                "          \"cat\": 12,",
                "          \"sitting\": 3",
                "        }",
                "      }"));
        assertThat(r.out()).contains("\"n_repeats\": 10", "(truncated; 5,022 characters in all)",
                "      line one\n      line two \\u001B[31mred", "  not_json: {broken",
                "  huge_json: [1,1,1,", "  deep_json: [[[[")
                .doesNotContain("A".repeat(InspectCommand.MAX_VALUE_CHARS), "\u001b");
    }

    @Test
    void inspectGuessesEachFixtureKind() {
        assertThat(inspect(Fixtures.path("sd-tiny-a/lora-diffusers.safetensors").toString()).out())
                .contains("Looks like: diffusers LoRA", "84 modules, rank 4");
        assertThat(inspect(Fixtures.path("llama-tiny-a/adapter/adapter_model.safetensors").toString()).out())
                .contains("Looks like: PEFT LoRA, 4 modules, rank 4");
        assertThat(inspect(Fixtures.path("sd-tiny-a/model-single.safetensors").toString()).out())
                .contains("Looks like: SD 1.x single-file checkpoint (UNet, VAE, text encoder)");
        assertThat(inspect(Fixtures.path("sd-tiny-a/model-diffusers/unet/diffusion_pytorch_model.safetensors")
                .toString()).out()).contains("Looks like: diffusers UNet2DConditionModel, 2 down blocks");
        assertThat(inspect(Fixtures.path("sd-tiny-a/model-diffusers/vae/diffusion_pytorch_model.safetensors")
                .toString()).out()).contains("Looks like: diffusers AutoencoderKL (VAE), latent channels 4");
        assertThat(inspect(Fixtures.path("sd-tiny-a/model-diffusers/text_encoder/model.safetensors").toString())
                .out()).contains("Looks like: CLIP text encoder (CLIPTextModel), 2 layers, hidden 32");
        assertThat(inspect(Fixtures.path("llama-tiny-a/model.safetensors").toString()).out())
                .contains("Looks like: LLaMA-family causal LM, 2 layers, hidden 32, vocab 256");
    }

    static Stream<Path> hostileFiles() throws IOException, URISyntaxException {
        Path folder = Path.of(InspectCommandTest.class.getResource("/safetensors/hostile").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFiles")
    void inspectReportsHostileFileInOneLineWithoutStackTrace(Path file) {
        Result r = inspect(file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("error: " + file.getFileName() + ": ")
                .doesNotContain("Exception", "\tat ", "\u001b");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void inspectRefusesPickleMissingFileAndFolderInOneLine() throws IOException {
        Path ckpt = Files.write(dir.resolve("model.ckpt"), new byte[] {(byte) 0x80, 2});
        Path folder = Files.createDirectory(dir.resolve("unet"));
        for (Path p : List.of(ckpt, dir.resolve("missing.safetensors"), folder)) {
            Result r = inspect(p.toString());
            assertThat(r.code()).as(p.toString()).isEqualTo(1);
            assertThat(r.errLines()).hasSize(1);
            assertThat(r.err()).startsWith("error: ").doesNotContain("Exception", "\tat ");
        }
        assertThat(inspect(ckpt.toString()).err()).contains("model.ckpt: ", "pickle", "arbitrary code");
    }

    @Test
    void inspectNamesThePeftReleasesThatLoadTheAdapterConfig() throws Exception {
        Path weights = Fixtures.path("llama-tiny-a/adapter/adapter_model.safetensors");
        Path current = Files.createDirectory(dir.resolve("current"));
        Files.copy(weights, current.resolve("adapter_model.safetensors"));
        PeftConfig config = PeftConfig.read(Fixtures.path("llama-tiny-a/adapter"));
        Files.writeString(current.resolve("adapter_config.json"), config.toJson());
        assertThat(inspect(current.resolve("adapter_model.safetensors").toString()).out())
                .contains("PEFT:       adapter_config.json loads in PEFT 0.8.0 and newer\n");

        Path older = Files.createDirectory(dir.resolve("older"));
        Files.copy(weights, older.resolve("adapter_model.safetensors"));
        String written = "/peft/lorastudio-before-peft08-fix-adapter_config.json"; // with exclude_modules, use_dora
        Path target = older.resolve("adapter_config.json");
        Files.copy(Path.of(InspectCommandTest.class.getResource(written).toURI()), target);
        assertThat(inspect(older.resolve("adapter_model.safetensors").toString()).out())
                .contains("PEFT:       adapter_config.json loads in PEFT 0.14.0 and newer (PEFT 0.8 rejects"
                        + " exclude_modules [0.14.0], use_dora [0.9.0])");

        Files.writeString(older.resolve("adapter_config.json"), "{\"r\": 4,");
        Result broken = inspect(older.resolve("adapter_model.safetensors").toString());
        assertThat(broken.code()).isZero();
        assertThat(broken.out()).contains("PEFT:       adapter_config.json is not valid JSON");

        Path alone = Files.createDirectory(dir.resolve("alone"));
        Files.copy(weights, alone.resolve("adapter_model.safetensors"));
        assertThat(inspect(alone.resolve("adapter_model.safetensors").toString()).out())
                .contains("PEFT:       no adapter_config.json next to this file");
        assertThat(inspect(Fixtures.path(KOHYA).toString()).out()).doesNotContain("PEFT:");
    }

    @Test
    void inspectHelpDescribesOptions() {
        Result r = inspect("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("FILE", "--metadata-only", "--no-metadata", "--filter=TEXT");
    }

    @Test
    void humanBytesAndNaturalOrder() {
        assertThat(InspectCommand.humanBytes(999)).isEqualTo("999 B");
        assertThat(InspectCommand.humanBytes(8_530_000)).isEqualTo("8.53 MB");
        assertThat(InspectCommand.humanBytes(999_999)).isEqualTo("1.00 MB");
        assertThat(InspectCommand.humanBytes(3L << 30)).isEqualTo("3.22 GB");
        assertThat(InspectCommand.compareNatural("layers.2.w", "layers.10.w")).isNegative();
        assertThat(InspectCommand.compareNatural("a01", "a1")).isNotZero();
        assertThat(InspectCommand.compareNatural("b", "a")).isPositive();
    }
}
