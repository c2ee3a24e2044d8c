package org.lorastudio.ui.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.compare.ConfigDiff;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunFolder;
import org.lorastudio.ui.runs.FakeRuns;

class CompareViewModelTest {
    @TempDir
    Path workspace;
    RunFolder a;
    RunFolder b;
    CompareViewModel vm;

    @BeforeEach
    void setUp() throws IOException {
        Path runs = workspace.resolve("runs");
        a = FakeRuns.completed(runs, "rank4", Instant.parse("2026-11-01T10:00:00Z"), 4, "1e-3", 5, 40, 0.5,
                List.of(20, 40));
        b = FakeRuns.completed(runs, "rank16", Instant.parse("2026-11-02T10:00:00Z"), 16, "2e-4", 10, 80, 0.9,
                List.of(40));
        vm = new CompareViewModel(runs, Runnable::run, Runnable::run);
    }

    @Test
    void diffShowsOnlyDifferingKeysLabelledByRunName() {
        vm.refreshRuns().join();
        assertThat(vm.available()).hasSize(2);
        CompareViewModel.Result r = vm.compare(List.of(a.dir(), b.dir())).join();
        ConfigDiff d = r.diff();
        assertThat(d.runs()).containsExactly("rank4", "rank16");
        assertThat(d.keys()).containsExactly("name", "lora_rank", "epochs", "learning_rate");
        int rank = d.keys().indexOf("lora_rank");
        assertThat(d.rows().get(rank).values()).containsExactly("4", "16");
        assertThat(r.changed(rank, 0)).as("the first run is the reference").isFalse();
        assertThat(r.changed(rank, 1)).isTrue();
        assertThat(r.runs().get(0).summary().stepsDone()).isEqualTo(40);
        assertThat(r.runs().get(0).notes()).contains("Does rank 4 learn");
        assertThat(vm.messageProperty().get()).isEqualTo("4 of 9 config keys differ.");
    }

    @Test
    void samplesAreIndexedByStepAndPromptAndMissingOnesAreAbsent() {
        CompareViewModel.Result r = vm.compare(List.of(a.dir(), b.dir())).join();
        assertThat(r.sampleSteps()).containsExactly(20L, 40L);
        assertThat(r.sampleKeys()).hasSize(4);
        SampleIndex.Key k20 = new SampleIndex.Key(20, 0);
        assertThat(r.runs().get(0).samples().get(k20)).isPresent();
        assertThat(r.runs().get(1).samples().get(k20)).isEmpty();
        assertThat(SampleIndex.scan(workspace.resolve("nowhere")).isEmpty()).isTrue();
    }

    @Test
    void pickingOneOrFiveRunsClearsTheComparisonWithAReason() {
        vm.compare(List.of(a.dir(), b.dir())).join();
        vm.compare(List.of(a.dir())).join();
        assertThat(vm.resultProperty().get()).isNull();
        assertThat(vm.messageProperty().get()).contains("two to four");
        vm.compare(List.of(a.dir(), b.dir(), a.dir(), b.dir(), a.dir())).join();
        assertThat(vm.messageProperty().get()).contains("at most four");
    }

    @Test
    void curvesAlignByStepOrEpoch() {
        vm.compare(List.of(a.dir(), b.dir())).join();
        vm.smoothingProperty().set(0);
        List<List<LossCurves.Curve>> bySteps = vm.curves();
        assertThat(bySteps).hasSize(2);
        assertThat(bySteps.get(0)).hasSize(1);
        assertThat(bySteps.get(1).get(0).x()[79]).isEqualTo(80.0);
        vm.alignProperty().set(LossCurves.Align.EPOCH);
        List<List<LossCurves.Curve>> byEpoch = vm.curves();
        // run a: 40 steps over 5 epochs; run b: 80 steps over 10 epochs — both end at epoch 5 and 10
        assertThat(byEpoch.get(0).get(0).x()[39]).isCloseTo(5.0, within(1e-9));
        assertThat(byEpoch.get(1).get(0).x()[79]).isCloseTo(10.0, within(1e-9));
        assertThat(byEpoch.get(0).get(0).x()[7]).as("end of epoch 1").isCloseTo(1.0, within(1e-9));
        assertThat(byEpoch.get(1).get(0).x()[7]).as("end of epoch 1").isCloseTo(1.0, within(1e-9));
        vm.smoothingProperty().set(0.6);
        assertThat(vm.curves().get(0)).as("raw and smoothed").hasSize(2);
    }

    @Test
    void epochAlignmentPutsUnevenRunsOnTheSameBoundaries() {
        List<MetricPoint> pts = new ArrayList<>();
        for (int s = 1; s <= 30; s++) {
            pts.add(new MetricPoint(s, (s - 1) / 10 + 1, 1.0 / s, 1e-4, s, 1));
        }
        LossCurves.Curve c = LossCurves.raw("x", pts, LossCurves.Align.EPOCH);
        assertThat(c.x()[9]).isCloseTo(1.0, within(1e-9));
        assertThat(c.x()[10]).isCloseTo(1.1, within(1e-9));
        assertThat(c.x()[29]).isCloseTo(3.0, within(1e-9));
        LossCurves.Curve steps = LossCurves.raw("x", pts, LossCurves.Align.STEP);
        assertThat(steps.x()[29]).isEqualTo(30.0);
    }

    @Test
    void nonFiniteLossesAreLeftOut() {
        List<MetricPoint> pts = List.of(new MetricPoint(1, 1, 0.5, 0, 0, 0), new MetricPoint(2, 1, Double.NaN, 0, 0, 0),
                new MetricPoint(3, 1, 0.0, 0, 0, 0), new MetricPoint(4, 1, 0.01, 0, 0, 0));
        LossCurves.Curve c = LossCurves.raw("x", pts, LossCurves.Align.STEP);
        assertThat(c.x()).containsExactly(1, 3, 4);
    }

    @Test
    void emaMatchesTensorBoardsDebiasedSmoothing() {
        double[] s = LossCurves.ema(new double[] {1, 0, 0}, 0.5);
        assertThat(s[0]).isCloseTo(1.0, within(1e-12)); // debiased: starts at the first value, not at half of it
        assertThat(s[1]).isCloseTo(0.25 / 0.75, within(1e-12));
        assertThat(s[2]).isCloseTo(0.125 / 0.875, within(1e-12));
        assertThat(LossCurves.ema(new double[] {3, 4}, 0)).containsExactly(3, 4);
    }
}
