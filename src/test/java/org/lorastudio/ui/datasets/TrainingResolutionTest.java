package org.lorastudio.ui.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.dataset.ProblemKind;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.common.UiTestData;

/** The "too small" threshold follows the config, not a fixed 512. */
class TrainingResolutionTest {
    @TempDir
    Path tmp;

    @Test
    void theActiveConfigDecidesThenTheDemoConfigThenSd15() throws Exception {
        Path workspace = UiTestData.demoWorkspace(tmp, 4); // configs/demo.yaml: resolution 64
        assertThat(TrainingResolution.of(workspace, Optional.empty())).isEqualTo(64);

        Path other = workspace.resolve("configs/big.yaml");
        Files.writeString(other, Files.readString(workspace.resolve("configs/demo.yaml"))
                .replace("resolution: 64", "resolution: 768"));
        assertThat(Files.readString(other)).contains("resolution: 768");
        assertThat(TrainingResolution.of(workspace, Optional.of(other))).isEqualTo(768);

        Files.writeString(other, "resolution: [not a number\n");
        assertThat(TrainingResolution.of(workspace, Optional.of(other))).as("unreadable: the demo's").isEqualTo(64);

        Files.delete(workspace.resolve("configs/demo.yaml"));
        assertThat(TrainingResolution.of(workspace, Optional.empty())).isEqualTo(512);
    }

    @Test
    void theDemoImagesAreNotTooSmallAtTheDemoConfigsResolution() {
        Path workspace = UiTestData.demoWorkspace(tmp, 4);
        DatasetsViewModel vm = new DatasetsViewModel(workspace, TaskExecutor.sameThread(), TaskExecutor.sameThread(),
                System::nanoTime);
        vm.open(workspace.resolve("datasets/demo"));
        assertThat(vm.entries()).hasSize(4).allMatch(e -> e.problems().stream()
                .anyMatch(p -> p.kind() == ProblemKind.SMALL_IMAGE), "flagged against the default 512");

        vm.minSideProperty().set(TrainingResolution.of(workspace, Optional.empty()));
        assertThat(vm.minSideProperty().get()).isEqualTo(64);
        assertThat(vm.entries()).hasSize(4).allMatch(e -> e.problems().isEmpty(), "no problem at 64");
        vm.tooSmallOnlyProperty().set(true);
        assertThat(vm.visible()).isEmpty();
    }
}
