package org.lorastudio.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.notes.TestRuns;
import org.lorastudio.run.RunFolder;
import org.lorastudio.util.Hashing;
import org.lorastudio.util.UserException;

class RunExportTest {
    @TempDir
    Path workspace;

    @Test
    void theExportVerifiesAgainstItsManifestAndLeavesWeightsOut() throws IOException {
        RunFolder run = run();
        Path zip = workspace.resolve("out/run.zip");
        RunExport.Result r = RunExport.export(run, zip, false);
        String id = run.id().value();
        assertThat(r.files()).contains(id + "/config.yaml", id + "/notes.md", id + "/run.json", id + "/metrics.jsonl",
                id + "/samples/step10-p0.png").noneMatch(f -> f.endsWith(".safetensors"))
                .noneMatch(f -> f.contains("checkpoints"));
        assertThat(RunExport.verify(zip)).isEmpty();
        String manifest = entry(zip, RunExport.MANIFEST);
        assertThat(manifest).contains(Hashing.sha256(run.configFile()) + "  " + id + "/config.yaml\n");
        assertThat(manifest.lines()).hasSize(r.files().size());
    }

    @Test
    void withWeightsTheLoraAndCheckpointsAreIncluded() throws IOException {
        RunFolder run = run();
        Path zip = workspace.resolve("w.zip");
        RunExport.Result r = RunExport.export(run, zip, true);
        assertThat(r.files()).contains(run.id() + "/" + TestRuns.LORA, run.id() + "/checkpoints/state.safetensors");
        assertThat(RunExport.verify(zip)).isEmpty();
    }

    @Test
    void aChangedOrUnlistedEntryFailsVerification() throws IOException {
        RunFolder run = run();
        Path zip = workspace.resolve("a.zip");
        RunExport.export(run, zip, false);
        Path tampered = workspace.resolve("b.zip");
        String notes = run.id() + "/notes.md";
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip));
             OutputStream os = Files.newOutputStream(tampered);
             ZipOutputStream out = new ZipOutputStream(os)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(e.getName().equals(notes) ? "edited".getBytes(StandardCharsets.UTF_8) : bytes);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("extra.txt"));
            out.closeEntry();
        }
        assertThat(RunExport.verify(tampered)).anySatisfy(p -> assertThat(p).startsWith(notes + " has SHA-256"))
                .anySatisfy(p -> assertThat(p).isEqualTo("extra.txt is in the zip but not listed in MANIFEST.sha256"));
    }

    @Test
    void theZipCannotGoInsideTheRunItPacks() throws IOException {
        RunFolder run = run();
        assertThatThrownBy(() -> RunExport.export(run, run.dir().resolve("x.zip"), false))
                .isInstanceOf(UserException.class).hasMessageContaining("inside the run folder");
    }

    private RunFolder run() throws IOException {
        return TestRuns.finished(workspace.resolve("runs"), "c", TestRuns.config("c", 8, "2e-4"), TestRuns.T);
    }

    private static String entry(Path zip, String name) throws IOException {
        try (InputStream is = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(is)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError(name + " not in " + zip);
    }
}
