package org.lorastudio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

class RunRecordTest {
    private static final Instant CREATED = Instant.parse("2026-11-29T07:15:30.123456Z");

    @TempDir
    Path tmp;

    private static RunRecord full() {
        return RunRecord.create(new RunId("20261129-071530-cyberpunk"), "Cyberpunk", "sd15", CREATED)
                .withSeed(42)
                .withDevice("cuda:0", "fp16")
                .withBaseModel(new ModelIdentity("models/sd15.safetensors", 2_132_625_894L, "ab".repeat(32)))
                .withDataset(new DatasetFingerprint("cd".repeat(32), 120))
                .withParent("20261128-200000-cyberpunk")
                .withTotalSteps(1500)
                .started(CREATED.plusSeconds(20))
                .withStepsDone(1500)
                .completed(CREATED.plusSeconds(3620),
                        new FinalMetrics(0.0812, 0.0654, 3600.0, 4.2, 9_876_543_210L),
                        List.of("cyberpunk_r16_lr1.5e-4_ep15.safetensors"));
    }

    @Test
    void roundTripKeepsEveryField() throws IOException {
        RunRecord r = full();
        Path file = tmp.resolve("run.json");
        r.write(file);
        assertThat(RunRecord.read(file)).isEqualTo(r);
    }

    @Test
    void newRecordIsRunningWithCurrentVersionsAndMillisecondTimes() {
        RunRecord r = RunRecord.create(new RunId("20261129-071530-x"), "x", "llm", CREATED);
        assertThat(r.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(r.schemaVersion()).isEqualTo(RunRecord.SCHEMA_VERSION);
        assertThat(r.created()).isEqualTo(Instant.parse("2026-11-29T07:15:30.123Z"));
        assertThat(r.versions().java()).contains(System.getProperty("java.version"));
        assertThat(r.versions().djl()).isNotBlank();
        assertThat(r.versions().libtorch()).isNotBlank();
        assertThat(r.versions().os()).contains(System.getProperty("os.name"));
        assertThat(r.outputFiles()).isEmpty();
    }

    @Test
    void jsonIsPrettyWithStableSnakeCaseFieldOrderAndIsoUtcTimes() {
        String json = full().toJson();
        List<String> order = List.of("\"schema_version\"", "\"id\"", "\"name\"", "\"model_type\"", "\"status\"",
                "\"created\"", "\"started\"", "\"ended\"", "\"seed\"", "\"device\"", "\"precision\"",
                "\"versions\"", "\"base_model\"", "\"dataset\"", "\"parent_run_id\"", "\"total_steps\"",
                "\"steps_done\"", "\"final_metrics\"", "\"output_files\"", "\"error\"");
        int last = -1;
        for (String key : order) {
            int at = json.indexOf(key + ":");
            assertThat(at).as(key).isGreaterThan(last);
            last = at;
        }
        assertThat(json).contains("\"status\": \"completed\"")
                .contains("\"created\": \"2026-11-29T07:15:30.123Z\"")
                .contains("\"sha256\": \"" + "ab".repeat(32) + "\"")
                .contains("\"final_loss\": 0.0812")
                .contains("\"output_files\": [\n    \"cyberpunk_r16_lr1.5e-4_ep15.safetensors\"\n  ]")
                .endsWith("}\n");
        assertThat(full().toJson()).isEqualTo(json);
    }

    @Test
    void atomicWriteLeavesNoTempFiles() throws IOException {
        Path file = tmp.resolve("run.json");
        full().write(file);
        full().failed("out of memory", CREATED.plusSeconds(5)).write(file);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("run.json");
        }
        assertThat(RunRecord.read(file).status()).isEqualTo(RunStatus.FAILED);
    }

    @Test
    void updatesAreImmutable() {
        RunRecord running = full().withStatus(RunStatus.RUNNING);
        RunRecord failed = running.failed("CUDA out of memory; lower batch_size", CREATED.plusSeconds(99));
        assertThat(running.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(running.error()).isNull();
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.error()).isEqualTo("CUDA out of memory; lower batch_size");
        assertThat(failed.ended()).isEqualTo(CREATED.plusSeconds(99).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(running.stopped(CREATED.plusSeconds(5)).status()).isEqualTo(RunStatus.STOPPED);
        assertThat(failed.status().isFinished()).isTrue();
        assertThat(failed.started(CREATED).error()).as("a resumed run is running again").isNull();
    }

    @Test
    void nanLossSurvivesTheRoundTrip() throws IOException {
        RunRecord r = full().withFinalMetrics(new FinalMetrics(Double.NaN, 0.5, 10.0, null, null));
        Path file = tmp.resolve("run.json");
        r.write(file);
        assertThat(RunRecord.read(file).finalMetrics().finalLoss()).isNaN();
    }

    @Test
    void readErrorsNameTheFile() throws IOException {
        Path missing = tmp.resolve("nope/run.json");
        assertThatThrownBy(() -> RunRecord.read(missing)).isInstanceOf(UserException.class)
                .hasMessageContaining(missing.toString());

        Path broken = tmp.resolve("run.json");
        Files.writeString(broken, "{\n  \"schema_version\": 1,\n  \"id\": \"x\",\n  oops\n}");
        assertThatThrownBy(() -> RunRecord.read(broken)).isInstanceOf(UserException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("line 4");

        Files.writeString(broken, "{\"schema_version\": 1, \"id\": \"x\", \"status\": \"running\"}");
        assertThatThrownBy(() -> RunRecord.read(broken)).isInstanceOf(UserException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("name");

        Files.writeString(broken, "{\"schema_version\": 1, \"id\": \"x\", \"name\": \"x\", \"status\": \"paused\"}");
        assertThatThrownBy(() -> RunRecord.read(broken)).isInstanceOf(UserException.class)
                .hasMessageContaining("paused");

        Files.writeString(broken, "");
        assertThatThrownBy(() -> RunRecord.read(broken)).isInstanceOf(UserException.class)
                .hasMessageContaining(broken.toString());
    }

    @Test
    void newerSchemaIsRefusedWithAnUpdateHint() throws IOException {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, full().toJson().replace("\"schema_version\": 1", "\"schema_version\": 99"));
        assertThatThrownBy(() -> RunRecord.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("schema_version 99").hasMessageContaining("update LoRA Studio");
    }

    @Test
    void unknownFieldsFromANewerStudioAreIgnored() throws IOException {
        Path file = tmp.resolve("run.json");
        Files.writeString(file, full().toJson().replace("\"seed\": 42,", "\"seed\": 42,\n  \"gpu_name\": \"RTX\","));
        assertThat(RunRecord.read(file)).isEqualTo(full());
    }

    @Test
    void modelIdentityHashesFilesAndFolders() throws IOException {
        Path file = tmp.resolve("model.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        ModelIdentity single = ModelIdentity.of(file);
        assertThat(single.sizeBytes()).isEqualTo(3);
        assertThat(single.sha256()).isEqualTo(Hashing.sha256(new byte[] {1, 2, 3}));

        Path folder = Files.createDirectories(tmp.resolve("llm"));
        Files.writeString(folder.resolve("config.json"), "{}");
        Files.write(folder.resolve("model.safetensors"), new byte[] {1, 2, 3});
        ModelIdentity a = ModelIdentity.of(folder);
        assertThat(a.sizeBytes()).isEqualTo(5);
        Files.writeString(folder.resolve("config.json"), "{ }");
        assertThat(ModelIdentity.of(folder).sha256()).isNotEqualTo(a.sha256());
    }

    @Test
    void sha256MatchesKnownVectorAndStreamsLargeFiles() throws IOException {
        assertThat(Hashing.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Path big = tmp.resolve("big.bin");
        byte[] chunk = new byte[3 << 20];
        Files.write(big, chunk);
        assertThat(Hashing.sha256(big)).isEqualTo(Hashing.sha256(chunk));
    }
}
