package org.lorastudio.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.util.UserException;

class MetricsLogTest {
    @TempDir
    Path tmp;

    private static MetricPoint point(long step) {
        return new MetricPoint(step, 1, 1.0 / step, 2e-4, step * 0.5, 8.0);
    }

    private Path logWith(long... steps) throws IOException {
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        try (MetricsLog log = MetricsLog.open(file)) {
            for (long s : steps) {
                log.append(point(s));
            }
        }
        return file;
    }

    @Test
    void appendedPointsReadBackInOrderOneLineEach() throws IOException {
        Path file = logWith(1, 2, 3);
        assertThat(MetricsLog.read(file)).containsExactly(point(1), point(2), point(3));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(
                "{\"step\":1,\"epoch\":1,\"loss\":1.0,\"lr\":2.0E-4,\"seconds\":0.5,\"items_per_s\":8.0}");
        assertThat(MetricsLog.last(file)).contains(point(3));
    }

    @Test
    void linesAreVisibleToReadersBeforeClose() throws IOException {
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(point(1));
            log.append(point(2));
            // what a crash would leave: the OS has every complete line even without fsync or close
            assertThat(MetricsLog.read(file)).hasSize(2);
        }
    }

    @Test
    void extraFieldsAndNanLossRoundTrip() throws IOException {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("grad_norm", 0.75);
        extra.put("bucket", "512x768");
        extra.put("skipped", true);
        extra.put("tokens", 12345L);
        MetricPoint p = new MetricPoint(7, 2, Double.NaN, 1e-4, 3.5, 2.0, extra);
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(p);
        }
        MetricPoint back = MetricsLog.read(file).get(0);
        assertThat(back.loss()).isNaN();
        assertThat(back.extra()).containsExactlyEntriesOf(extra);
        assertThat(Files.readString(file)).contains("\"loss\":\"NaN\"").contains("\"grad_norm\":0.75");
    }

    @Test
    void extraMayNotShadowCoreFields() {
        assertThatThrownBy(() -> new MetricPoint(1, 1, 1, 1, 1, 1, Map.of("loss", 2.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loss");
    }

    @Test
    void tornLastLineIsIgnored() throws IOException {
        Path file = logWith(1, 2);
        Files.writeString(file, "{\"step\":3,\"epoch\":1,\"lo", StandardOpenOption.APPEND);
        assertThat(MetricsLog.read(file)).containsExactly(point(1), point(2));
    }

    @Test
    void unparseableLastLineWithNewlineIsIgnored() throws IOException {
        Path file = logWith(1);
        Files.writeString(file, "{\"step\":2,\"epo\n\n", StandardOpenOption.APPEND);
        assertThat(MetricsLog.read(file)).containsExactly(point(1));
    }

    @Test
    void tornMultiByteCharacterAtTheEndIsIgnored() throws IOException {
        Path file = logWith(1);
        byte[] euro = "{\"step\":2,\"loss\":1,\"note\":\"€".getBytes(StandardCharsets.UTF_8);
        Files.write(file, java.util.Arrays.copyOf(euro, euro.length - 1), StandardOpenOption.APPEND);
        assertThat(MetricsLog.read(file)).containsExactly(point(1));
    }

    @Test
    void badLineInTheMiddleIsReportedWithItsLineNumber() throws IOException {
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        String good = "{\"step\":1,\"epoch\":1,\"loss\":0.5,\"lr\":1e-4,\"seconds\":1,\"items_per_s\":2}\n";
        Files.writeString(file, good + good.replace("\"step\":1", "\"step\":2") + "{\"step\":3,\"lo\n"
                + good.replace("\"step\":1", "\"step\":4"));
        assertThatThrownBy(() -> MetricsLog.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("line 3");
    }

    @Test
    void lineWithoutStepInTheMiddleIsReported() throws IOException {
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        Files.writeString(file, "{\"loss\":1}\n{\"step\":2,\"loss\":1}\n");
        assertThatThrownBy(() -> MetricsLog.read(file)).isInstanceOf(UserException.class)
                .hasMessageContaining("line 1").hasMessageContaining("step");
    }

    @Test
    void missingFileIsAnEmptyLog() {
        assertThat(MetricsLog.read(tmp.resolve("none.jsonl"))).isEmpty();
        assertThat(MetricsLog.last(tmp.resolve("none.jsonl"))).isEmpty();
    }

    @Test
    void reopeningAfterACrashCutsTheTornLineSoItNeverEndsUpInTheMiddle() throws IOException {
        Path file = logWith(1, 2);
        Files.writeString(file, "{\"step\":3,\"ep", StandardOpenOption.APPEND);
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(point(3));
        }
        assertThat(MetricsLog.read(file)).containsExactly(point(1), point(2), point(3));
    }

    @Test
    void reopeningKeepsACompleteLastLineThatOnlyLacksItsNewline() throws IOException {
        Path file = tmp.resolve(MetricsLog.FILE_NAME);
        Files.writeString(file,
                "{\"step\":1,\"epoch\":1,\"loss\":1.0,\"lr\":2.0E-4,\"seconds\":0.5,\"items_per_s\":8.0}");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.append(point(2));
        }
        assertThat(MetricsLog.read(file)).containsExactly(point(1), point(2));
    }

    @Test
    void resumeDropsPointsAfterTheCheckpointStep() throws IOException {
        Path file = logWith(1, 2, 3, 4, 5);
        try (MetricsLog log = MetricsLog.resume(file, 3)) {
            log.append(point(4));
        }
        assertThat(MetricsLog.read(file)).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void manyAppendsAcrossSyncBoundariesAllSurvive() throws IOException {
        long[] steps = new long[MetricsLog.SYNC_EVERY_LINES * 3 + 7];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i + 1;
        }
        assertThat(MetricsLog.read(logWith(steps))).hasSize(steps.length);
    }
}
