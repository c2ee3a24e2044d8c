package org.lorastudio.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private static final double LR = 1e-3;
    private static final org.assertj.core.data.Offset<Double> EXACT = within(1e-18);

    private static LrSchedule of(LrSchedulerType type) {
        return LrSchedule.of(type, LR, 10, 110);
    }

    @Test
    void constantIgnoresWarmupAsDiffusers() {
        LrSchedule s = of(LrSchedulerType.CONSTANT);
        assertThat(s.lr(0)).isEqualTo(LR);
        assertThat(s.lr(5)).isEqualTo(LR);
        assertThat(s.lr(109)).isEqualTo(LR);
    }

    @Test
    void warmupRisesLinearlyFromZero() {
        for (LrSchedulerType type : List.of(LrSchedulerType.CONSTANT_WITH_WARMUP, LrSchedulerType.LINEAR,
                LrSchedulerType.COSINE, LrSchedulerType.COSINE_WITH_RESTARTS)) {
            LrSchedule s = of(type);
            assertThat(s.lr(0)).as(type.configName()).isEqualTo(0.0);
            assertThat(s.lr(1)).as(type.configName()).isCloseTo(LR / 10, EXACT);
            assertThat(s.lr(5)).as(type.configName()).isCloseTo(LR / 2, EXACT);
            assertThat(s.lr(9)).as(type.configName()).isCloseTo(LR * 0.9, EXACT);
            assertThat(s.lr(10)).as(type.configName() + " peak at the end of warm-up").isCloseTo(LR, EXACT);
        }
    }

    @Test
    void constantWithWarmupStaysAtPeak() {
        LrSchedule s = of(LrSchedulerType.CONSTANT_WITH_WARMUP);
        assertThat(s.lr(60)).isEqualTo(LR);
        assertThat(s.lr(500)).isEqualTo(LR);
    }

    @Test
    void linearDecaysToZeroAtTotalSteps() {
        LrSchedule s = of(LrSchedulerType.LINEAR);
        assertThat(s.lr(60)).isCloseTo(LR * 0.5, EXACT);
        assertThat(s.lr(109)).isCloseTo(LR * 0.01, EXACT);
        assertThat(s.lr(110)).isEqualTo(0.0);
        assertThat(s.lr(200)).isEqualTo(0.0);
    }

    @Test
    void cosineFollowsHalfWave() {
        LrSchedule s = of(LrSchedulerType.COSINE);
        assertThat(s.numCycles()).isEqualTo(0.5);
        assertThat(s.lr(35)).isCloseTo(LR * 0.5 * (1 + Math.cos(Math.PI * 0.25)), EXACT); // ≈ 0.853553
        assertThat(s.lr(60)).isCloseTo(LR * 0.5, within(1e-15));
        assertThat(s.lr(110)).isCloseTo(0.0, within(1e-18));
        assertThat(s.lr(109)).isCloseTo(LR * 0.5 * (1 + Math.cos(Math.PI * 0.99)), EXACT);
    }

    @Test
    void cosineWithRestartsRestartsEachCycle() {
        LrSchedule s = new LrSchedule(LrSchedulerType.COSINE_WITH_RESTARTS, LR, 10, 110, 2);
        assertThat(s.lr(35)).isCloseTo(LR * 0.5, within(1e-15)); // progress 0.25 → cycle phase 0.5
        assertThat(s.lr(59)).isCloseTo(LR * 0.5 * (1 + Math.cos(Math.PI * 0.98)), EXACT);
        assertThat(s.lr(60)).isCloseTo(LR, EXACT); // hard restart at progress 0.5
        assertThat(s.lr(110)).isEqualTo(0.0);
        assertThat(LrSchedule.of(LrSchedulerType.COSINE_WITH_RESTARTS, LR, 0, 100).lr(50))
                .as("one cycle by default equals cosine").isCloseTo(LR * 0.5, within(1e-15));
    }

    @Test
    void zeroWarmupStartsAtPeak() {
        assertThat(LrSchedule.of(LrSchedulerType.LINEAR, LR, 0, 100).lr(0)).isEqualTo(LR);
        assertThat(LrSchedule.of(LrSchedulerType.COSINE, LR, 0, 100).lr(0)).isEqualTo(LR);
    }

    @Test
    void curveAndSampleCoverTheRun() {
        LrSchedule s = of(LrSchedulerType.COSINE);
        double[] curve = s.curve();
        assertThat(curve).hasSize(110);
        assertThat(curve[35]).isEqualTo(s.lr(35));

        List<LrSchedule.Point> pts = s.sample(20);
        assertThat(pts).hasSizeLessThanOrEqualTo(20);
        assertThat(pts.get(0).step()).isZero();
        assertThat(pts.get(pts.size() - 1).step()).isEqualTo(109);
        assertThat(pts).extracting(LrSchedule.Point::step).contains(10).isSorted();
        assertThat(pts).allSatisfy(p -> assertThat(p.lr()).isEqualTo(s.lr(p.step())));
        assertThat(of(LrSchedulerType.LINEAR).sample(1000)).hasSize(110);
    }

    @Test
    void configNamesRoundTripAndUnknownNamesListChoices() {
        for (LrSchedulerType t : LrSchedulerType.values()) {
            assertThat(LrSchedulerType.fromConfig(t.configName())).isEqualTo(t);
        }
        assertThatThrownBy(() -> LrSchedulerType.fromConfig("cosine_restarts"))
                .hasMessageContaining("cosine_with_restarts").hasMessageContaining("'cosine_restarts'");
        assertThatThrownBy(() -> LrSchedule.of(LrSchedulerType.LINEAR, -1, 0, 10)).hasMessageContaining("-1");
    }
}
