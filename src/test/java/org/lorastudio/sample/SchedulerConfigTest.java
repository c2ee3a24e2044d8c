package org.lorastudio.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.lorastudio.sample.SchedulerConfig.BetaSchedule;
import org.lorastudio.sample.SchedulerConfig.PredictionType;
import org.lorastudio.sample.SchedulerConfig.TimestepSpacing;
import org.lorastudio.testing.Fixtures;
import org.lorastudio.util.UserException;

class SchedulerConfigTest {

    @Test
    void fixtureSchedulerConfigIsTheSd15Schedule() {
        SchedulerConfig.Parsed p = SchedulerConfig.fromJson(
                Fixtures.path("sd-tiny-a/model-diffusers/scheduler/scheduler_config.json"));
        assertThat(p.config()).isEqualTo(SchedulerConfig.sd15());
        assertThat(p.ignoredKeys()).contains("_class_name", "thresholding", "trained_betas", "sample_max_value");
    }

    @Test
    void missingKeysTakeSd15Values() throws Exception {
        SchedulerConfig c = SchedulerConfig.fromJson(new ObjectMapper().readTree(
                "{\"prediction_type\": \"v_prediction\", \"timestep_spacing\": \"linspace\"}"), "test").config();
        assertThat(c.predictionType()).isEqualTo(PredictionType.V_PREDICTION);
        assertThat(c.timestepSpacing()).isEqualTo(TimestepSpacing.LINSPACE);
        assertThat(c.betaSchedule()).isEqualTo(BetaSchedule.SCALED_LINEAR);
        assertThat(c.stepsOffset()).isEqualTo(1);
        assertThat(c.numTrainTimesteps()).isEqualTo(1000);
    }

    @Test
    void everyUnsupportedValueIsReportedAtOnce() {
        String json = "{\"beta_schedule\": \"squaredcos_cap_v2\", \"prediction_type\": \"sample\","
                + " \"thresholding\": true, \"timestep_spacing\": \"karras\", \"steps_offset\": \"one\","
                + " \"trained_betas\": [0.1, 0.2]}";
        assertThatThrownBy(() -> SchedulerConfig.fromJson(new ObjectMapper().readTree(json), "cfg.json"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("cfg.json")
                .hasMessageContaining("beta_schedule = \"squaredcos_cap_v2\" is not supported")
                .hasMessageContaining("scaled_linear, linear")
                .hasMessageContaining("prediction_type = \"sample\"")
                .hasMessageContaining("thresholding = true")
                .hasMessageContaining("timestep_spacing = \"karras\"")
                .hasMessageContaining("steps_offset must be an integer")
                .hasMessageContaining("trained_betas");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThatThrownBy(() -> new SchedulerConfig(1000, 0.02, 0.01, BetaSchedule.LINEAR, PredictionType.EPSILON,
                0, false, TimestepSpacing.LEADING, false, 1.0))
                .isInstanceOf(UserException.class).hasMessageContaining("beta_start");
    }
}
