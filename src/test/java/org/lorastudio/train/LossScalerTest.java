package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Dynamic loss scaling as torch.cuda.amp.GradScaler: halve and skip on overflow, double after 2000 clean steps. */
class LossScalerTest {
    @Test
    void overflowHalvesAndSkipsCleanStepsGrowAfterTheInterval() {
        LossScaler s = LossScaler.start(true);
        assertThat(s.scale()).isEqualTo(65536.0);
        assertThat(s.update(false)).isEqualTo(LossScaler.Outcome.SKIPPED);
        assertThat(s.scale()).isEqualTo(32768.0);
        assertThat(s.skipped()).isEqualTo(1);
        for (int i = 1; i < LossScaler.GROWTH_INTERVAL; i++) {
            assertThat(s.update(true)).isEqualTo(LossScaler.Outcome.APPLIED);
        }
        assertThat(s.cleanSteps()).isEqualTo(LossScaler.GROWTH_INTERVAL - 1);
        assertThat(s.update(false)).isEqualTo(LossScaler.Outcome.SKIPPED); // an overflow resets the count
        assertThat(s.cleanSteps()).isZero();
        for (int i = 1; i < LossScaler.GROWTH_INTERVAL; i++) {
            s.update(true);
        }
        assertThat(s.scale()).isEqualTo(16384.0);
        assertThat(s.update(true)).isEqualTo(LossScaler.Outcome.GREW);
        assertThat(s.scale()).isEqualTo(32768.0);
        assertThat(s.cleanSteps()).isZero();
        assertThat(s.skipped()).isEqualTo(2);
    }

    @Test
    void aScaleBelowOneMeansDivergenceAndFp32NeverScales() {
        LossScaler s = LossScaler.start(true, 2.0);
        assertThat(s.update(false)).isEqualTo(LossScaler.Outcome.SKIPPED);
        assertThat(s.update(false)).isEqualTo(LossScaler.Outcome.DIVERGED);
        assertThat(s.scale()).isEqualTo(1.0);
        LossScaler fp32 = LossScaler.start(false);
        assertThat(fp32.scale()).isEqualTo(1.0);
        assertThat(fp32.update(false)).isEqualTo(LossScaler.Outcome.DIVERGED);
        for (int i = 0; i < 3 * LossScaler.GROWTH_INTERVAL; i++) {
            assertThat(fp32.update(true)).isEqualTo(LossScaler.Outcome.APPLIED);
        }
        assertThat(fp32.scale()).isEqualTo(1.0);
    }

    @Test
    void restoreCarriesTheCounters() {
        LossScaler s = LossScaler.restore(true, 1024.0, LossScaler.GROWTH_INTERVAL - 1, 5);
        assertThat(s.update(true)).isEqualTo(LossScaler.Outcome.GREW);
        assertThat(s.scale()).isEqualTo(2048.0);
        assertThat(s.skipped()).isEqualTo(5);
        assertThat(LossScaler.restore(false, 65536.0, 0, 0).scale()).isEqualTo(1.0);
    }

    @Test
    void aCheckpointFromBeforeTheCountersResumesThemFromZero(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("state.json"),
                "{\"step\": 3, \"elapsedSeconds\": 1.5, \"lossScale\": 65536.0}");
        Checkpoint.State st = Checkpoint.readState(dir);
        assertThat(st).isEqualTo(new Checkpoint.State(3, 1.5, 65536.0, 0, 0));
    }
}
