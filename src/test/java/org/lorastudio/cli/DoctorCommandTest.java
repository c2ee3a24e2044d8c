package org.lorastudio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.config.TrainingConfig;
import org.lorastudio.demo.DemoDatasetGenerator;
import org.lorastudio.runtime.CpuInfo;
import org.lorastudio.testing.ChildJvm;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.train.SelfCheck;

/**
 * {@code doctor} and the refusal to train (issue 13): on this machine the check passes and doctor exits 0; with a
 * convolution gradient made wrong (the fault injection that stands in for the oneDNN fault, in a child JVM as a
 * user would start it) doctor exits 1 naming the check, and {@code train} refuses before step 1 with one plain
 * message and no run folder.
 */
class DoctorCommandTest {
    @Test
    void reportsEverySectionAndExitsZeroHere(@TempDir Path dir) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Files.createDirectories(dir.resolve("models/tiny"));
        Files.writeString(dir.resolve("models/tiny/model_index.json"), "{}");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), "doctor", "--workspace", workspace.toString(),
                "--verbose");
        String text = out.toString();
        assertThat(code).as(text + err).isZero();
        assertThat(text).contains("[✓] Engine: DJL 0.36.0, libtorch 2.7.1 (CPU build)")
                .contains("[✓] CPU: " + CpuInfo.current().describe())
                .contains("[✓] Numerical self-check (CPU): passed (13 ops")
                .contains("ok   convolution 3×3 stride 1   32→4 channels")
                .contains("[✓] Kernels: 5 of 5 TorchScript kernels active").contains("cast: Tensor.float()")
                .contains("lion: torch._foreach_mul").contains("sgd: torch._foreach_mul")
                .contains("attention: torch.scaled_dot_product_attention (TorchScript kernel)")
                .contains("GPU: ").contains("PYTORCH_FLAVOR=cu128")
                .contains("Console: libtorch warnings: errors only")
                .contains("[✓] Workspace: " + workspace.toAbsolutePath().normalize())
                .contains("tiny — diffusers folder (Stable Diffusion)")
                .contains("training can start");
    }

    @Test
    void aMissingModelsFolderIsAWarningNotABlocker(@TempDir Path dir) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        StringWriter out = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "doctor", "--workspace",
                workspace.toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("[!] Base models: none in").contains("models/README.md");
    }

    @Test
    void aWrongGradientBlocksDoctorAndTraining(@TempDir Path dir) throws Exception {
        String corrupt = "convolution 3×3 stride 1";
        ChildJvm.Result doctor = ChildJvm.cli().systemProperty(SelfCheck.CORRUPT_PROPERTY, corrupt)
                .output(dir.resolve("doctor.log")).args("doctor", "--workspace", dir.toString()).run(120);
        assertThat(doctor.exitCode()).as(doctor.output()).isEqualTo(1);
        assertThat(doctor.output()).contains("[✗] Numerical self-check (CPU): FAILED: convolution 3×3 stride 1 32→4")
                .contains("FAIL convolution 3×3 stride 1").contains("1 problem blocks training:");

        Path data = dir.resolve("data");
        DemoDatasetGenerator.generate(data, 3, 2, 64);
        TrainingConfig c = TrainingConfig.minimal("refused", Fixtures.path("sd-tiny-a/model-diffusers"), data)
                .with("resolution", 64).with("lora_rank", 4).with("max_train_steps", 2)
                .with("sample_prompts", List.of()).with("sample_every_n_steps", 0);
        Path config = dir.resolve("refused.yaml");
        c.save(config);
        Path workspace = dir.resolve("ws");
        ChildJvm.Result train = ChildJvm.cli().systemProperty(SelfCheck.CORRUPT_PROPERTY, corrupt)
                .env("LORASTUDIO_UNSAFE_KERNELS", "1").output(dir.resolve("train.log"))
                .args("train", "--config", config.toString(), "--workspace", workspace.toString()).run(180);
        assertThat(train.exitCode()).as(train.output()).isEqualTo(1);
        assertThat(train.output()).contains("error: The numerical self-check failed on " + CpuInfo.current().model())
                .contains("convolution 3×3 stride 1 32→4 channels").contains("(input gradient) differs from a"
                        + " float64 computation by 50 %").contains("nothing was trained")
                .contains("Unset LORASTUDIO_UNSAFE_KERNELS")
                .doesNotContain("step 1/").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(workspace.resolve("runs")).as("no run folder was created").doesNotExist();
    }
}
