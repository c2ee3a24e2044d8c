package org.lorastudio.reliability.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Fuzzes every reader of untrusted files with seeded mutations of its committed corpus (issue 9, item 4). The
 * default suite gives each reader up to {@link #INPUTS} mutated inputs within {@link #BUDGET} (so about a minute
 * for all seven, however busy the machine), and fails if fewer than {@link #MIN_INPUTS} fit; {@link
 * ReaderFuzzSlowTest} runs the full 100,000 per reader without a time budget. {@code -Dlorastudio.fuzz.inputs=N},
 * {@code -Dlorastudio.fuzz.seconds=S} and {@code -Dlorastudio.fuzz.seed=X} change the run; a finding prints the
 * seed and input index that reproduce it, and its input is saved under {@code target/fuzz-findings/}.
 *
 * <p>A reader passes when every input is either accepted (and what was accepted keeps the target's invariants)
 * or rejected with the product's clear error; no other exception, no input slower than {@link #PER_INPUT}, and no
 * input that allocates more than the target's bound. Each run must also both accept and reject something: a
 * fuzzer that only ever produces garbage (or never leaves the seeds) tests nothing.
 */
class ReaderFuzzTest {
    static final long INPUTS = Long.getLong("lorastudio.fuzz.inputs", 100_000);
    static final Duration BUDGET = Duration.ofSeconds(Long.getLong("lorastudio.fuzz.seconds", 8));
    static final long MIN_INPUTS = 250;
    static final long SEED = Long.getLong("lorastudio.fuzz.seed", 20261129L);
    static final Duration PER_INPUT = Duration.ofSeconds(5);

    @Test
    void safetensorsReader() throws Exception {
        fuzz(new SafetensorsTarget(), INPUTS, SEED, BUDGET);
    }

    @Test
    void loraFileReader() throws Exception {
        fuzz(new LoraTarget(), INPUTS, SEED, BUDGET);
    }

    @Test
    void yamlConfigLoader() throws Exception {
        fuzz(new ConfigTarget(), INPUTS, SEED, BUDGET);
    }

    @Test
    void metadataCsvReader() throws Exception {
        fuzz(new MetadataTarget("csv"), INPUTS, SEED, BUDGET);
    }

    @Test
    void metadataJsonlReader() throws Exception {
        fuzz(new MetadataTarget("jsonl"), INPUTS, SEED, BUDGET);
    }

    @Test
    void clipTokenizerOnCaptions() throws Exception {
        fuzz(new ClipTokenizerTarget(), INPUTS, SEED, BUDGET);
    }

    @Test
    void clipTokenizerFiles() throws Exception {
        fuzz(new ClipFilesTarget(), INPUTS / 4, SEED, BUDGET.dividedBy(2));
    }

    /**
     * Runs one target and checks the outcome.
     *
     * @param budget time after which no more mutations are fed; {@code null} runs all {@code inputs}
     */
    static FuzzLoop.Stats fuzz(FuzzTarget target, long inputs, long seed, Duration budget) throws Exception {
        try (target) {
            List<byte[]> corpus = Corpus.inputs(target.name());
            FuzzLoop.Stats stats = FuzzLoop.run(target, corpus, inputs, seed, PER_INPUT, budget);
            String summary = stats.summary() + "  (seed " + seed + ")";
            System.out.print(summary + System.lineSeparator());
            assertThat(stats.findings()).as(summary).isEmpty();
            if (budget == null) {
                assertThat(stats.inputs()).as("inputs run").isEqualTo(corpus.size() + inputs);
            } else {
                assertThat(stats.inputs()).as("inputs run within " + budget).isGreaterThanOrEqualTo(
                        Math.min(MIN_INPUTS, inputs));
            }
            if (!(target instanceof ClipTokenizerTarget)) {
                assertThat(stats.rejected()).as("rejected inputs; " + summary).isPositive();
            }
            assertThat(stats.accepted()).as("accepted inputs; " + summary).isPositive();
            return stats;
        }
    }
}
