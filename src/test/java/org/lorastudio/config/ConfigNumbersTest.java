package org.lorastudio.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigNumbersTest {
    @Test
    void yamlFormUsesScientificNotationForSmallValuesWithADot() {
        assertThat(ConfigNumbers.yaml(2e-4)).isEqualTo("2.0e-4");
        assertThat(ConfigNumbers.yaml(1.5e-4)).isEqualTo("1.5e-4");
        assertThat(ConfigNumbers.yaml(1e-8)).isEqualTo("1.0e-8");
        assertThat(ConfigNumbers.yaml(0.01)).isEqualTo("0.01");
        assertThat(ConfigNumbers.yaml(7.5)).isEqualTo("7.5");
        assertThat(ConfigNumbers.yaml(1.0)).isEqualTo("1.0");
        assertThat(ConfigNumbers.yaml(0.0)).isEqualTo("0.0");
        assertThat(ConfigNumbers.yaml(-3e-5)).isEqualTo("-3.0e-5");
        assertThat(ConfigNumbers.yaml(1e9)).isEqualTo("1.0e9");
    }

    @Test
    void compactFormIsForNames() {
        assertThat(ConfigNumbers.compact(2e-4)).isEqualTo("2e-4");
        assertThat(ConfigNumbers.compact(1.5e-4)).isEqualTo("1.5e-4");
        assertThat(ConfigNumbers.compact(1e-3)).isEqualTo("1e-3");
        assertThat(ConfigNumbers.compact(1.0)).isEqualTo("1");
        assertThat(ConfigNumbers.compact(0)).isEqualTo("0");
    }

    @Test
    void everyFormReadsBackToTheSameDouble() {
        double[] values = {2e-4, 1.5e-4, 1e-8, 0.1 + 0.2, 1.0 / 3, 123456.789, 6.02e23, 0.009999, 1e-3};
        for (double v : values) {
            assertThat(Double.parseDouble(ConfigNumbers.yaml(v))).as("yaml %s", v).isEqualTo(v);
            assertThat(Double.parseDouble(ConfigNumbers.compact(v))).as("compact %s", v).isEqualTo(v);
        }
    }
}
