package org.lorastudio.ui.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.ui.common.TaskExecutor;
import org.lorastudio.ui.common.UiTestData;

/** The Datasets screen sorted by the per-image loss of a run on the open folder (issue 16). */
class RunLossSortTest {
    @TempDir
    Path tmp;

    @Test
    void choosingARunSortsTheGridByItsLossAndLabelsTheCaption() throws IOException {
        Path workspace = tmp.resolve("workspace");
        Path data = workspace.resolve("datasets").resolve("shapes");
        for (String n : new String[] {"a", "b", "c", "d"}) {
            UiTestData.png(data.resolve(n + ".png"), 64, 64, 0x336699);
            Files.writeString(data.resolve(n + ".txt"), "a shape " + n);
        }
        Path run = Files.createDirectories(workspace.resolve("runs").resolve("20261101-100000-shapes"));
        Files.writeString(run.resolve("config.yaml"), "name: shapes\nbase_model: ../../models/x.safetensors\n"
                + "train_data_dir: ../../datasets/shapes\n");
        Path other = Files.createDirectories(workspace.resolve("runs").resolve("20261101-110000-other"));
        Files.writeString(other.resolve("config.yaml"), "name: other\nbase_model: ../../models/x.safetensors\n"
                + "train_data_dir: ../../datasets/elsewhere\n");
        PerImageLoss losses = new PerImageLoss();
        losses.add("b.png", 0.5, 1);
        losses.add("c.png", 0.125, 1);
        losses.add("d.png", 0.25, 1);
        losses.write(run, 1); // a.png was held out: no loss
        losses.write(other, 1);

        DatasetsViewModel vm = new DatasetsViewModel(workspace, TaskExecutor.sameThread(),
                TaskExecutor.sameThread(), new AtomicLong()::get);
        vm.open(data);
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("a.png", "b.png", "c.png", "d.png");
        assertThat(vm.lossSort().runs()).as("only runs on this folder with per-image losses").containsExactly(run);

        vm.lossSort().runProperty().set(run);

        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("b.png", "d.png", "c.png", "a.png");
        assertThat(vm.lossSort().label(vm.visible().get(0))).isEqualTo("loss 0.5000");
        assertThat(vm.lossSort().label(vm.visible().get(3))).isEmpty();
        vm.select(vm.visible().get(1), DatasetsViewModel.SelectMode.SINGLE);
        assertThat(vm.currentProperty().get().name()).isEqualTo("d.png");

        vm.lossSort().runProperty().set(null);
        assertThat(vm.visible()).extracting(ImageEntry::name).containsExactly("a.png", "b.png", "c.png", "d.png");
        assertThat(vm.lossSort().label(vm.visible().get(1))).isEmpty();
    }
}
