package org.lorastudio.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lorastudio.run.FinalMetrics;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.RunId;
import org.lorastudio.run.RunRecord;
import org.lorastudio.util.UserException;

class ConfigDiffTest {
    static final String A = """
            name: cyberpunk
            base_model: models/sd15.safetensors
            lora_rank: 8
            lora_alpha: 16
            learning_rate: 2e-4
            unet_target_modules: [attentions]
            sample_prompts:
              - neon city, rain
              - "a street: at night"
            optimizer:
              kind: adamw
              betas: [0.9, 0.999]
            """;
    static final String B = """
            name: cyberpunk
            base_model: models/sd15.safetensors
            lora_rank: 16
            lora_alpha: 16.0
            learning_rate: 1.5e-4
            unet_target_modules:
              - attentions
            sample_prompts: ["neon city, rain", "a street: at night"]
            optimizer:
              kind: adamw
              betas: [0.9, 0.999]
            noise_offset: 0.05
            """;

    @Test
    void flattenKeepsFileOrderDotsNestedKeysAndRendersListsAsFlow() {
        FlatConfig c = FlatConfig.parse(A, "a");
        assertThat(c.keys()).containsExactly("name", "base_model", "lora_rank", "lora_alpha", "learning_rate",
                "unet_target_modules", "sample_prompts", "optimizer.kind", "optimizer.betas");
        assertThat(c.values().get("learning_rate").text()).isEqualTo("2e-4");
        assertThat(c.values().get("unet_target_modules").text()).isEqualTo("[attentions]");
        assertThat(c.values().get("sample_prompts").text()).isEqualTo("[\"neon city, rain\", \"a street: at night\"]");
        assertThat(c.values().get("optimizer.betas").text()).isEqualTo("[0.9, 0.999]");
    }

    @Test
    void diffShowsOnlyDifferingKeysAndMissingOnesAsDash() {
        ConfigDiff d = ConfigDiff.of(List.of("a", "b"), List.of(FlatConfig.parse(A, "a"), FlatConfig.parse(B, "b")));
        assertThat(d.keys()).containsExactly("lora_rank", "learning_rate", "noise_offset");
        assertThat(d.rows().get(0).values()).containsExactly("8", "16");
        assertThat(d.rows().get(1).values()).containsExactly("2e-4", "1.5e-4");
        assertThat(d.rows().get(2).values()).containsExactly(ConfigDiff.MISSING, "0.05");
        assertThat(d.totalKeys()).isEqualTo(10);
    }

    @Test
    void sameValueWrittenDifferentlyIsNotADifference() {
        FlatConfig x = FlatConfig.parse("lr: 0.0002\nflag: yes\nn: 1_000\nq: '8'\n", "x");
        FlatConfig y = FlatConfig.parse("lr: 2.0e-4\nflag: true\nn: 1000\nq: '8'\n", "y");
        assertThat(ConfigDiff.of(List.of("x", "y"), List.of(x, y)).isEmpty()).isTrue();
        FlatConfig z = FlatConfig.parse("q: 8\n", "z");
        assertThat(ConfigDiff.of(List.of("x", "z"), List.of(x, z)).keys()).contains("q");
    }

    @Test
    void diffAcrossThreeRunsReportsAKeyThatDiffersInAnyOfThem() {
        FlatConfig a = FlatConfig.parse("r: 8\nlr: 1\n", "a");
        FlatConfig b = FlatConfig.parse("r: 8\nlr: 1\n", "b");
        FlatConfig c = FlatConfig.parse("r: 4\nlr: 1\n", "c");
        ConfigDiff d = ConfigDiff.of(List.of("a", "b", "c"), List.of(a, b, c));
        assertThat(d.keys()).containsExactly("r");
        assertThat(d.rows().get(0).values()).containsExactly("8", "8", "4");
    }

    @Test
    void badYamlNamesTheSourceAndLine() {
        assertThatThrownBy(() -> FlatConfig.parse("a: 1\nb: [1, 2\nc: 3\n", "config.yaml of run r"))
                .isInstanceOf(UserException.class).hasMessageContaining("config.yaml of run r")
                .hasMessageContaining("line");
        assertThatThrownBy(() -> FlatConfig.parse("- a\n- b\n", "s")).isInstanceOf(UserException.class)
                .hasMessageContaining("top level");
        assertThatThrownBy(() -> FlatConfig.parse("a: 1\na: 2\n", "s")).isInstanceOf(UserException.class)
                .hasMessageContaining("'a' twice");
        assertThat(FlatConfig.parse("", "s").keys()).isEmpty();
    }

    @Test
    void summaryPrefersFinalMetricsAndFallsBackToTheLog() {
        Instant t = Instant.parse("2026-11-29T07:15:30Z");
        RunRecord running = RunRecord.create(new RunId("20261129-071530-x"), "x", "sd15", t).withTotalSteps(100);
        List<MetricPoint> points = List.of(new MetricPoint(1, 1, 0.5, 1e-4, 1, 1),
                new MetricPoint(2, 1, 0.2, 1e-4, 2, 1), new MetricPoint(3, 1, 0.3, 1e-4, 3, 1));
        RunSummary s = RunSummary.of(running, points, t.plusSeconds(90));
        assertThat(s.stepsText()).isEqualTo("3/100");
        assertThat(s.finalLoss()).isEqualTo(0.3);
        assertThat(s.minLoss()).isEqualTo(0.2);
        assertThat(s.durationSeconds()).isEqualTo(90.0);

        RunRecord done = running.withStepsDone(100)
                .completed(t.plusSeconds(50), new FinalMetrics(0.1, 0.05, 50.0, null, null), List.of());
        RunSummary d = RunSummary.of(done, points, t.plusSeconds(999));
        assertThat(d.finalLoss()).isEqualTo(0.1);
        assertThat(d.minLoss()).isEqualTo(0.05);
        assertThat(d.durationSeconds()).isEqualTo(50.0);
        assertThat(d.status()).isEqualTo("completed");
    }

    @Test
    void formatsAreLocaleIndependent() {
        assertThat(Formats.loss(0.123456)).isEqualTo("0.1235");
        assertThat(Formats.loss(1.23456e-5)).isEqualTo("1.235e-05");
        assertThat(Formats.loss(null)).isEqualTo("—");
        assertThat(Formats.loss(Double.NaN)).isEqualTo("NaN");
        assertThat(Formats.duration(12.4)).isEqualTo("12s");
        assertThat(Formats.duration(245.0)).isEqualTo("4m 05s");
        assertThat(Formats.duration(3723.0)).isEqualTo("1h 02m 03s");
        assertThat(Formats.bytes(1023)).isEqualTo("1023 B");
        assertThat(Formats.bytes(1024)).isEqualTo("1.0 KB");
        assertThat(Formats.bytes(12_900_000)).isEqualTo("12.3 MB");
        assertThat(Formats.bytes(3L << 50)).as("TB is the largest unit").isEqualTo("3072.0 TB");
    }

    @Test
    void markdownTableEscapesPipesAndHasOneSeparatorRow() {
        Table t = new Table(List.of("key", "v"), List.of(List.of("a|b", "1\n2")), List.of(false, true));
        assertThat(t.markdown()).isEqualTo("| key | v |\n| --- | ---: |\n| a\\|b | 1 2 |\n");
        assertThat(t.text()).isEqualTo("key    v\n---  ---\na|b  1 2\n");
    }
}
