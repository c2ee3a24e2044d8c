package org.lorastudio.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorastudio.cli.Cli;
import org.lorastudio.run.MetricPoint;
import org.lorastudio.run.MetricsLog;
import org.lorastudio.run.PerImageLoss;
import org.lorastudio.run.RunFolder;

/** Issue 16 in {@code lorastudio runs}: {@code show --per-image}, and the validation loss in show and compare. */
class RunsValidationCommandTest {
    private static final Instant T = Instant.parse("2026-11-29T07:15:30Z");

    @TempDir
    Path runs;
    private RunFolder a;
    private RunFolder b;

    private String[] runs(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "runs";
        all[1] = "--runs-dir";
        all[2] = runs.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return all;
    }

    private String out(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new PrintWriter(out), new PrintWriter(err), runs(args));
        assertThat(code).as(err.toString()).isEqualTo(expectedCode);
        return expectedCode == 0 ? out.toString() : err.toString();
    }

    @BeforeEach
    void twoRuns() throws IOException {
        a = RunFolder.create(runs, "cyberpunk", "sd15", ConfigDiffTest.A, T);
        b = RunFolder.create(runs, "cyberpunk", "sd15", ConfigDiffTest.B, T.plusSeconds(3600));
        try (MetricsLog log = a.openMetricsLog()) {
            log.append(new MetricPoint(1, 1, 0.4, 1e-4, 2, 3, Map.of("grad_norm", 1.0)));
            log.append(new MetricPoint(2, 1, 0.3, 1e-4, 4, 3, Map.of("grad_norm", 1.0, "val_loss", 0.35)));
            log.append(new MetricPoint(3, 1, 0.2, 1e-4, 6, 3, Map.of("grad_norm", 1.0)));
            log.append(new MetricPoint(4, 1, 0.1, 1e-4, 8, 3, Map.of("grad_norm", 1.0, "val_loss", 0.375)));
        }
        try (MetricsLog log = b.openMetricsLog()) {
            log.append(new MetricPoint(1, 1, 0.4, 1e-4, 2, 3));
        }
        PerImageLoss p = new PerImageLoss();
        p.add("cat.png", 0.25, 1);
        p.add("dog.png", 0.5, 1);
        p.add("cat.png", 0.125, 3);
        p.add("bird.png", 0.0625, 2);
        p.write(a.dir(), 4);
    }

    @Test
    void showPerImageListsTheImagesFromTheHighestMeanLossDown() {
        String text = out(0, "show", a.id().value(), "--per-image");

        assertThat(text).startsWith("per-image loss of " + a.id().value() + " up to step 4 (3 images, highest"
                + " mean first)");
        assertThat(text.indexOf("dog.png")).isLessThan(text.indexOf("cat.png"));
        assertThat(text.indexOf("cat.png")).isLessThan(text.indexOf("bird.png"));
        String cat = text.lines().filter(l -> l.contains("cat.png")).findFirst().orElseThrow();
        assertThat(cat.split("\\s+")).containsSubsequence("2", "cat.png", "0.1875", "0.1250", "2");
    }

    @Test
    void showPerImageOfARunWithoutTheFileSaysWhy() {
        assertThat(out(1, "show", b.id().value(), "--per-image")).contains("has no per_image_loss.json yet")
                .doesNotContain("Exception");
    }

    @Test
    void showAndCompareReportTheValidationLoss() {
        assertThat(out(0, "show", a.id().value())).contains("val loss").contains("0.3750 at step 4 (best 0.3500 at"
                + " step 2)");
        String compare = out(0, "compare", a.id().value(), b.id().value());
        String finalVal = compare.lines().filter(l -> l.startsWith("final val loss")).findFirst().orElseThrow();
        assertThat(finalVal).contains("0.3750").contains("—");
        assertThat(compare.lines().filter(l -> l.startsWith("min val loss")).findFirst().orElseThrow())
                .contains("0.3500");
    }
}
